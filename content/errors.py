"""Madang's error family. Every message says what is wrong and what to do about it."""


class MadangError(Exception):
    """Base of every error Madang raises on purpose; the CLI prints its message, never a traceback."""


class ContentError(MadangError):
    """The content pack cannot be used as given (missing folder, empty pack, unknown id, problems)."""
