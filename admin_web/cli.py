"""`madang admin ...`: set up the database, staff, kiosks and counters, and serve the admin web."""

from __future__ import annotations

import multiprocessing
import sys

import click

from madang.content.cli import SHIPPED_PACK

from .config import Settings
from .db import make_engine, read_session, write_session
from .errors import ApiError
from .models import Role
from .services import audit, auth, content_store, kiosks


def _engine_and_settings():
    settings = Settings.from_env()
    return make_engine(settings.database_url), settings


def _fail(error: ApiError) -> None:
    click.echo(f"error: {error.detail}", err=True)
    sys.exit(1)


@click.group()
def admin() -> None:
    """Set up and run the admin web (staff, kiosks, counters, content, queues).

    The database is MADANG_DATABASE_URL (default: SQLite in MADANG_DATA_DIR, ./var).
    """


@admin.command()
def init() -> None:
    """Create or upgrade the schema and import and publish the content pack (first time only)."""
    from .migrations import upgrade

    engine, settings = _engine_and_settings()
    upgrade(engine)
    root = settings.content_dir or SHIPPED_PACK
    try:
        with write_session(engine) as session:
            if content_store.current_version(session) is None:
                count = content_store.import_pack(session, root=root, actor="madang admin init")
                version = content_store.publish(session, actor="madang admin init", note=f"imported from {root}")
                audit.record(session, actor="cli", action="content.publish", target=f"version {version.id}")
                click.echo(f"Imported {count} content files from {root} and published version {version.id}.")
            else:
                click.echo("Content already published; the schema is up to date.")
    except ApiError as error:
        _fail(error)
    click.echo(f"Database ready: {engine.url.render_as_string(hide_password=True)}")


@admin.command("create-user")
@click.argument("name")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--if-missing", is_flag=True, help="Do nothing (exit 0) when the user already exists.")
def create_user(name: str, role: str, if_missing: bool) -> None:
    """Create a staff user. The password is read from stdin, or generated and printed once."""
    engine, _ = _engine_and_settings()
    if if_missing:
        with read_session(engine) as session:
            if auth.user_exists(session, name=name):
                click.echo(f"Staff user '{name}' already exists (its password was shown when it was created).")
                return
    typed = "" if sys.stdin.isatty() else sys.stdin.read().strip()
    password = typed or auth.generate_password()
    try:
        with write_session(engine) as session:
            auth.create_user(session, name=name, role=Role(role), password=password)
            audit.record(session, actor="cli", action="user.create", target=name, detail={"role": role})
    except ApiError as error:
        _fail(error)
    if typed:
        click.echo(f"Created {role} '{name}'.")
    else:
        click.echo(f"Created {role} '{name}' with the password below; it is shown only this once:")
        click.echo(password)


@admin.command("create-token")
@click.argument("name")
def create_token(name: str) -> None:
    """Print a new API token for staff user NAME (one line)."""
    engine, _ = _engine_and_settings()
    try:
        with write_session(engine) as session:
            token = auth.create_staff_token(session, user_name=name)
            audit.record(session, actor="cli", action="token.create", target=name)
    except ApiError as error:
        _fail(error)
    click.echo(token)


@admin.command("create-kiosk")
@click.argument("name")
def create_kiosk(name: str) -> None:
    """Register kiosk NAME and print its token (one line, shown once, stored hashed)."""
    engine, _ = _engine_and_settings()
    try:
        with write_session(engine) as session:
            _, token = kiosks.register_kiosk(session, name=name)
            audit.record(session, actor="cli", action="kiosk.create", target=name)
    except ApiError as error:
        _fail(error)
    click.echo(token)


@admin.command("create-counter")
@click.argument("name")
@click.option("--services", required=True, help="Comma-separated service ids, e.g. tax-square,consult-120.")
def create_counter(name: str, services: str) -> None:
    """Create counter NAME serving the given services, and print its id."""
    engine, _ = _engine_and_settings()
    service_ids = [part.strip() for part in services.split(",") if part.strip()]
    try:
        with write_session(engine) as session:
            counter = kiosks.create_counter(session, name=name, service_ids=service_ids)
            audit.record(session, actor="cli", action="counter.create", target=name, detail={"services": service_ids})
    except ApiError as error:
        _fail(error)
    click.echo(counter.id)


@admin.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--workers", default=max(2, min(4, multiprocessing.cpu_count())), show_default=True, type=int)
@click.option("--threads", default=16, show_default=True, type=int, help="Threads per worker (event streams).")
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the admin web and kiosk API with gunicorn (several worker processes)."""
    from .server import run

    engine, _ = _engine_and_settings()
    with read_session(engine) as session:
        try:
            content_store.current_version(session)
        except Exception:  # any database error here means the schema is missing
            click.echo("error: the database is not set up: run 'madang admin init' first", err=True)
            sys.exit(1)
    run(host=host, port=port, workers=workers, threads=threads)
