"""Alembic environment: runs against the engine Madang passes in (see admin_web/migrations.py)."""

from alembic import context
from sqlmodel import SQLModel

from madang.admin_web import models  # noqa: F401  (registers the tables)

engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
