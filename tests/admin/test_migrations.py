"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect

from madang.admin_web.migrations import pending_differences


def test_migrated_database_matches_the_models(engine):
    assert pending_differences(engine) == []


def test_one_active_ticket_per_counter_is_enforced_by_an_index(engine):
    indexes = {index["name"]: index for index in inspect(engine).get_indexes("ticket")}
    active = indexes["uq_ticket_active_counter"]
    assert active["unique"] and active["column_names"] == ["counter_id"]
