"""`madang admin ...` as an operator runs it: one-line outputs, clear errors, nothing shown twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

MADANG = Path(sys.executable).parent / "madang"


@pytest.fixture
def run(tmp_path):
    env = {**os.environ, "MADANG_DATA_DIR": str(tmp_path / "data")}
    env.pop("MADANG_DATABASE_URL", None)

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(MADANG), "admin", *args],
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run


def test_init_publishes_the_seoul_pack_once(run):
    first = run("init")
    assert first.returncode == 0, first.stderr
    assert "published version 1" in first.stdout
    again = run("init")
    assert again.returncode == 0 and "Content already published" in again.stdout


def test_users_tokens_kiosks_and_counters(run):
    assert run("init").returncode == 0
    generated = run("create-user", "admin", "--role", "admin")
    assert generated.returncode == 0
    password = generated.stdout.strip().splitlines()[-1]
    assert "shown only this once" in generated.stdout and len(password) >= 12
    typed = run("create-user", "kim", "--role", "counselor", stdin="a typed password 123\n")
    assert typed.stdout.strip() == "Created counselor 'kim'."
    assert run("create-user", "kim", "--role", "counselor", "--if-missing").returncode == 0
    duplicate = run("create-user", "kim", "--role", "counselor", stdin="another password 123")
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
    short = run("create-user", "lee", "--role", "editor", stdin="short")
    assert short.returncode == 1 and "at least 12 characters" in short.stderr
    token = run("create-token", "kim")
    assert token.returncode == 0 and len(token.stdout.strip().splitlines()) == 1
    assert run("create-token", "nobody").stderr.startswith("error: no staff user named 'nobody'")
    kiosk = run("create-kiosk", "시청역 1번 출구")
    assert kiosk.returncode == 0 and len(kiosk.stdout.split()) == 1
    counter = run("create-counter", "창구 1", "--services", "tax-square,consult-120")
    assert counter.returncode == 0 and counter.stdout.strip().isdigit()
    unknown = run("create-counter", "창구 2", "--services", "tax-sqaure")
    assert unknown.returncode == 1 and "tax-square" in unknown.stderr


def test_serve_before_init_says_what_to_do(run):
    done = run("serve", "--port", "1")
    assert done.returncode == 1
    assert "run 'madang admin init' first" in done.stderr
    assert "Traceback" not in done.stderr
