"""A recorded voice memo as a flow takes it: the whole file, or None when it is longer than the admin web takes.

A memo is never cut short: half a recording would be a broken file and a lost message.
"""

from __future__ import annotations

from pathlib import Path

MAX_MEMO_BYTES = 8 * 1024 * 1024  # the admin web's limit for a voice memo (admin_web/services/chat.py)


def read_memo(path: str) -> bytes | None:
    memo = Path(path)
    if memo.stat().st_size > MAX_MEMO_BYTES:
        return None
    return memo.read_bytes()
