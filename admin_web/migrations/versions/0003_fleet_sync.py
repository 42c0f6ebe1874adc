"""fleet commands and idempotent messages

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 05:40:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('kiosk', schema=None) as batch_op:
        batch_op.add_column(sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('pinned_content_version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('restart_requested_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
        batch_op.create_unique_constraint('uq_message_ticket_idempotency', ['ticket_id', 'idempotency_key'])


def downgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_constraint('uq_message_ticket_idempotency', type_='unique')
        batch_op.drop_column('idempotency_key')
    with op.batch_alter_table('kiosk', schema=None) as batch_op:
        batch_op.drop_column('restart_requested_at')
        batch_op.drop_column('pinned_content_version')
        batch_op.drop_column('started_at')
