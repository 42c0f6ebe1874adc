"""The content pack: schema, loading with positions, validation, and the menus each screen offers."""

from .checks import check_pack, validate_pack
from .errors import ContentError, MadangError
from .loader import ContentPack, Entry, LoadResult, load_pack
from .problems import Problem

__all__ = [
    "ContentError",
    "ContentPack",
    "Entry",
    "LoadResult",
    "MadangError",
    "Problem",
    "check_pack",
    "load_pack",
    "validate_pack",
]
