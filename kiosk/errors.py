"""The kiosk's errors; each message says what is wrong and what to do."""

from madang.content.errors import MadangError


class KioskError(MadangError):
    """The kiosk cannot start as configured (bad display file, unusable content, bad options)."""
