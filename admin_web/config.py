"""Settings from the environment. Nothing here has a default password or a shared secret."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATA_DIR = Path("var")


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    secret_key: str
    content_dir: Path | None = None
    cookie_secure: bool = True
    login_attempts: int = 5  # failures before a lockout
    lockout_seconds: int = 300
    # home devices register themselves (POST /api/v1/home-devices): at most this many per client address in
    # the window, and from all addresses together in the global window; the count is kept in the database
    home_registration_limit: int = 5
    home_registration_window_seconds: int = 3600
    home_registration_global_limit: int = 30
    home_registration_global_seconds: int = 60
    default_service_minutes: int = 10
    stream_seconds: float = 300.0  # an events stream ends after this; clients reconnect with Last-Event-ID
    stream_poll_seconds: float = 0.1
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> Settings:
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("MADANG_DATA_DIR") or DEFAULT_DATA_DIR)
        database_url = env.get("MADANG_DATABASE_URL") or f"sqlite:///{(data_dir / 'madang.db').resolve()}"
        content_dir = env.get("MADANG_CONTENT_DIR")
        values = {
            "data_dir": data_dir,
            "database_url": database_url,
            "secret_key": env.get("MADANG_SECRET_KEY") or "",
            "content_dir": Path(content_dir) if content_dir else None,
            "cookie_secure": env.get("MADANG_COOKIE_SECURE", "1") not in {"0", "false", "no"},
        }
        values.update(overrides)
        if not values["secret_key"]:
            values["secret_key"] = load_or_create_secret(Path(values["data_dir"]))
        return cls(**values)


def load_or_create_secret(data_dir: Path) -> str:
    """A secret kept in the data folder, so every worker process and restart signs sessions alike."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, secret.encode())
    finally:
        os.close(fd)
    return secret
