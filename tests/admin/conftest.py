"""Admin web fixtures: a fresh database per test on SQLite and on PostgreSQL, with the Seoul pack published.

Each engine's database is cloned from a template that was migrated and published once per run. PostgreSQL
tests skip with a reason when no server answers at MADANG_TEST_POSTGRES_URL (default 127.0.0.1:5432),
except under CI=true, where they must run.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass

import psycopg
import pytest
from sqlalchemy import Engine

from madang.admin_web.app import create_app
from madang.admin_web.config import Settings
from madang.admin_web.db import make_engine, write_session
from madang.admin_web.migrations import upgrade
from madang.admin_web.models import Role
from madang.admin_web.services import auth, content_store, kiosks
from madang.content.cli import SHIPPED_PACK

POSTGRES = os.environ.get("MADANG_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "correct horse battery staple"


def _postgres_answers() -> str | None:
    try:
        with psycopg.connect(POSTGRES, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"PostgreSQL does not answer at {POSTGRES} ({str(error).strip().splitlines()[0]})"


def _seed(engine: Engine) -> None:
    upgrade(engine)
    with write_session(engine) as session:
        content_store.import_pack(session, root=SHIPPED_PACK, actor="test")
        content_store.publish(session, actor="test")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("template") / "madang.db"
    engine = make_engine(f"sqlite:///{path}")
    _seed(engine)
    engine.dispose()
    return str(path)


@pytest.fixture(scope="session")
def postgres_template() -> str:
    problem = _postgres_answers()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"{problem}; under CI the PostgreSQL tests must run")
        pytest.skip(problem)
    name = f"madang_template_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    engine = make_engine(POSTGRES.rsplit("/", 1)[0] + f"/{name}")
    _seed(engine)
    engine.dispose()
    yield name
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        target = tmp_path / "madang.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        yield f"sqlite:///{target}"
        return
    template = request.getfixturevalue("postgres_template")
    name = f"madang_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield POSTGRES.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def engine(database_url) -> Engine:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        secret_key="test-secret-" + uuid.uuid4().hex,
        cookie_secure=False,
        stream_seconds=5.0,
        stream_poll_seconds=0.05,
    )


@pytest.fixture
def app(settings, engine):
    app = create_app(settings, engine=engine)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@dataclass
class Fleet:
    """Tokens and counters a test uses, created through the same services as the CLI."""

    engine: Engine

    def kiosk(self, name: str = "kiosk-1") -> dict[str, str]:
        with write_session(self.engine) as session:
            _, token = kiosks.register_kiosk(session, name=name)
        return {"Authorization": f"Bearer {token}"}

    def staff(self, name: str = "clerk", role: Role = Role.counselor) -> dict[str, str]:
        with write_session(self.engine) as session:
            auth.create_user(session, name=name, role=role, password=PASSWORD)
            token = auth.create_staff_token(session, user_name=name)
        return {"Authorization": f"Bearer {token}"}

    def counter(self, name: str, *service_ids: str) -> int:
        with write_session(self.engine) as session:
            return kiosks.create_counter(session, name=name, service_ids=list(service_ids)).id


@pytest.fixture
def fleet(engine) -> Fleet:
    return Fleet(engine)
