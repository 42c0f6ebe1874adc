"""gunicorn, embedded: threaded workers so that event streams do not block other requests."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


class MadangServer(BaseApplication):
    def __init__(self, options: dict) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from .app import create_app

        return create_app()


def run(*, host: str, port: int, workers: int, threads: int) -> None:
    MadangServer(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            "timeout": 60,
            "graceful_timeout": 10,
            "accesslog": "-",
            "errorlog": "-",
            "loglevel": "info",
        }
    ).run()
