"""`madang content ...`: check, list and show the content pack."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click

from .checks import validate_pack
from .errors import ContentError
from .loader import ContentPack
from .problems import Problem
from .show import KIND_NAMES, find_entry, render

SHIPPED_PACK = Path(__file__).resolve().parent
# kind -> (one, many)
NOUNS = {
    "service": ("service", "services"),
    "space": ("space", "spaces"),
    "landmark": ("landmark", "landmarks"),
    "event": ("event", "events"),
    "document": ("document", "documents"),
    "tax": ("tax", "taxes"),
    "faq": ("FAQ", "FAQs"),
    "screen": ("screen", "screens"),
    "phrase-set": ("phrase set", "phrase sets"),
}

pack_option = click.option(
    "--pack",
    "pack_path",
    type=click.Path(path_type=Path),
    envvar="MADANG_CONTENT_DIR",
    default=SHIPPED_PACK,
    show_default="the Seoul pack",
    help="Folder of the content pack ($MADANG_CONTENT_DIR).",
)
lang_option = click.option(
    "--lang", type=click.Choice(["ko", "en"]), default="ko", show_default=True, help="Language to show."
)


@click.group()
def content() -> None:
    """Check, list and show the content pack (services, landmarks, texts, voice phrases)."""


@content.command()
@click.argument("path", type=click.Path(path_type=Path), required=False)
def validate(path: Path | None) -> None:
    """Check a content pack folder (default: the shipped Seoul pack).

    Prints one line per problem (file:line: field: what to do) and exits 1, or a one-line summary and exits 0.
    Voice phrases are also checked against the speech model of each language that has one (Korean always):
    a word the model does not know could never be heard.
    """
    path = path or SHIPPED_PACK
    result, problems = _or_exit(lambda: validate_pack(path))
    problems = sorted(set(problems) | set(_vocabulary_problems(result.pack)))
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) in {path}", err=True)
        sys.exit(1)
    click.echo(f"{path}: valid: {summary(result.pack)}")


def _vocabulary_problems(pack: ContentPack) -> list[Problem]:
    """Voice phrase words the speech models do not know; a language that cannot be checked is a note on stderr."""
    from madang.voice.vocabulary import check_vocabulary  # the voice package, kept out of show and list

    checked = check_vocabulary(pack)
    for note in checked.notes:
        click.echo(note, err=True)
    return checked.problems


def summary(pack: ContentPack) -> str:
    counts = Counter(entry.kind for entry in pack.all_entries())
    parts = ", ".join(f"{counts[kind]} {NOUNS[kind][counts[kind] != 1]}" for kind in NOUNS if counts[kind])
    return f"pack '{pack.info.id}' version {pack.info.version}: {parts}"


@content.command()
@click.argument("item_id", metavar="ID")
@lang_option
@click.option("--json", "as_json", is_flag=True, help="Print the item as JSON instead of text.")
@pack_option
def show(item_id: str, lang: str, as_json: bool, pack_path: Path) -> None:
    """Show one item (a service, landmark, screen, ...) by ID, or KIND:ID when an id is used twice."""
    pack = _loaded(pack_path)
    entry = _or_exit(lambda: find_entry(pack, item_id))
    if as_json:
        click.echo(json.dumps({"kind": entry.kind, **entry.item.model_dump(mode="json")}, ensure_ascii=False, indent=2))
    else:
        click.echo(render(pack, entry, lang), nl=False)


@content.command(name="list")
@lang_option
@pack_option
def list_items(lang: str, pack_path: Path) -> None:
    """List every item's id and name, by kind."""
    pack = _loaded(pack_path)
    for kind, (_, plural) in NOUNS.items():
        entries = pack.entries[kind]
        if not entries:
            continue
        heading = KIND_NAMES[kind][1 if lang == "en" else 0]
        click.echo(f"{heading} ({plural}):")
        for entry in entries:
            name = next(
                (getattr(entry.item, field) for field in ("name", "title", "question") if hasattr(entry.item, field)),
                None,
            )
            click.echo(f"  {entry.id:<32} {name.get(lang) if name else ''}".rstrip())


def _loaded(path: Path) -> ContentPack:
    result, problems = _or_exit(lambda: validate_pack(path))
    if problems:
        click.echo(f"warning: {path} has {len(problems)} problem(s); run 'madang content validate {path}'", err=True)
    return result.pack


def _or_exit(action):
    try:
        return action()
    except ContentError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
