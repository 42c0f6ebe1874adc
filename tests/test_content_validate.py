"""`madang content validate`: one broken pack per kind of mistake, each giving its own line."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from madang.content.checks import validate_pack
from madang.content.cli import content
from madang.content.errors import ContentError

from .conftest import DATA, REPO_ROOT, run_madang

# case folder in tests/data -> (field named in the problem, what the problem says)
BROKEN_PACKS = {
    "yaml-syntax": ("", "YAML syntax error: expected <block end>, but found '}'"),
    "duplicate-key": ("summary", "'summary' appears twice in the same mapping: keep one"),
    "missing-translation": ("services[tax-help].name.en", "missing English translation: add 'en:'"),
    "missing-easy-read": ("services[tax-help].description.easy_ko", "missing easy-read Korean text (쉬운 말)"),
    "missing-audio-description": ("landmarks[west-gate].audio_description", "missing audio description"),
    "missing-alt-text": ("landmarks[west-gate].media.0.alt", "missing alt text: add 'alt:'"),
    "duplicate-id": ("taxes[car-tax].id", "duplicate tax id 'car-tax', first defined at"),
    "unknown-reference": (
        "faqs[when-to-pay].service",
        "refers to service 'tax-hepl', which does not exist. Did you mean 'tax-help'?",
    ),
    "shared-voice-phrase": (
        "services[old-town].voice.ko.1",
        "on screen 'home' the phrase '세금' also chooses service:tax-help",
    ),
    "unknown-field": ("services[old-town].sign_vidoe", "unknown field 'sign_vidoe': did you mean 'sign_video'?"),
    "unknown-section": ("landmark", "unknown section 'landmark'. Did you mean 'landmarks'?"),
    "placeholder-mismatch": (
        "screens[ticket:waiting].prompt",
        "placeholders differ between languages (only in ko: {number}",
    ),
    "missing-media-file": (
        "landmarks[west-gate].media.0.source",
        "media file 'images/west-gate.png' is not in the pack",
    ),
    "duplicate-prefix": ("services[old-town].queue.prefix", "ticket prefix 'T' is already used by service 'tax-help'"),
    "unreachable-service": ("services[old-town].id", "cannot be reached from the home screen"),
    "missing-required-screen": ("pack", "the kiosk needs texts for screen 'help'"),
    "too-few-phrases": ("taxes[car-tax].voice.ko", "only 1 voice phrase(s) in Korean: give at least 2"),
    "text-not-translated-mapping": (
        "services[old-town].summary",
        "found the text '옛 동네 구경': write 'ko:' and 'en:'",
    ),
    "month-out-of-range": ("taxes[car-tax].months.1", "13 is out of range"),
    "missing-pack-section": ("pack", "no 'pack:' section found: add pack.yaml"),
}
MARKER = "# problem"


def expected_location(case: Path) -> tuple[str, int]:
    """The file and line marked '# problem' in the case (files shared with the minimal pack are links)."""
    for path in sorted(case.iterdir()):
        if path.is_symlink():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if MARKER in line:
                return str(path.relative_to(REPO_ROOT)), number
    return (
        "tests/data/missing-required-screen/pack.yaml"
        if case.name == "missing-required-screen"
        else str(case.relative_to(REPO_ROOT))
    ), 1


def validate(path: Path):
    runner = CliRunner()
    return runner.invoke(content, ["validate", str(path.relative_to(REPO_ROOT))], catch_exceptions=False)


def test_every_case_folder_has_an_expectation():
    folders = {path.name for path in DATA.iterdir() if path.is_dir()}
    assert folders == {*BROKEN_PACKS, "minimal", "empty-pack"}


def test_minimal_pack_is_valid(monkeypatch):
    monkeypatch.chdir(REPO_ROOT)
    result = validate(DATA / "minimal")
    assert result.exit_code == 0, result.stdout
    assert result.stdout.strip() == (
        "tests/data/minimal: valid: pack 'minimal' version 1: 2 services, 1 space,"
        " 1 landmark, 1 tax, 17 screens, 6 phrase sets"
    )


@pytest.mark.parametrize("case", sorted(BROKEN_PACKS))
def test_broken_pack_gives_one_line_naming_file_line_and_field(case, monkeypatch):
    monkeypatch.chdir(REPO_ROOT)
    field, message = BROKEN_PACKS[case]
    result = validate(DATA / case)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    file, line = expected_location(DATA / case)
    location = f"{file}:{line}:"
    assert lines[0].startswith(location), f"{lines[0]!r} should start with {location!r}"
    assert f": {field}: " in lines[0] if field else True
    assert message in lines[0]
    assert "1 problem(s)" in result.stderr


def test_yaml_syntax_error_names_the_column(monkeypatch):
    monkeypatch.chdir(REPO_ROOT)
    result = validate(DATA / "yaml-syntax")
    marked = (DATA / "yaml-syntax" / "items.yaml").read_text(encoding="utf-8").splitlines()
    line_number, text = next((n, t) for n, t in enumerate(marked, start=1) if MARKER in t)
    column = text.index("}}") + 2
    assert result.stdout.startswith(f"tests/data/yaml-syntax/items.yaml:{line_number}:{column}: YAML syntax error")


def test_empty_pack_and_missing_folder_are_clear_errors(tmp_path):
    empty = run_madang("content", "validate", "tests/data/empty-pack")
    assert empty.returncode == 1
    assert "tests/data/empty-pack is an empty pack" in empty.stderr
    gone = run_madang("content", "validate", str(tmp_path / "nowhere"))
    assert gone.returncode == 1
    assert f"content folder {tmp_path / 'nowhere'} does not exist" in gone.stderr
    no_yaml = run_madang("content", "validate", str(tmp_path))
    assert no_yaml.returncode == 1 and "holds no .yaml files" in no_yaml.stderr
    a_file = run_madang("content", "validate", "content/pack.yaml")
    assert a_file.returncode == 1 and "content/pack.yaml is not a folder" in a_file.stderr
    for done in (empty, gone, no_yaml, a_file):
        assert "Traceback" not in done.stderr and done.stdout == ""


def test_a_file_that_is_not_utf8_is_named(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(DATA / "minimal", pack)
    (pack / "latin1.yaml").write_bytes("services:\n  - id: caf\xe9\n".encode("latin-1"))
    _, problems = validate_pack(pack)
    assert [str(p) for p in problems] == [
        f"{pack}/latin1.yaml:1: the file is not UTF-8 text (invalid continuation byte): save it as UTF-8"
    ]


def test_offered_option_may_not_share_a_phrase_with_a_global_command(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(DATA / "minimal", pack, symlinks=False)
    items = pack / "items.yaml"
    items.write_text(
        items.read_text(encoding="utf-8").replace("[옛 동네, 구경]", "[옛 동네, 도움말]"), encoding="utf-8"
    )
    _, problems = validate_pack(pack)
    assert len(problems) == 1
    assert "the phrase '도움말' also chooses help" in problems[0].message


def test_spacing_and_case_do_not_make_phrases_different(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(DATA / "minimal", pack, symlinks=False)
    items = pack / "items.yaml"
    items.write_text(
        items.read_text(encoding="utf-8").replace("en: [old town, sightseeing]", "en: [old town, Tax  Help!]"),
        encoding="utf-8",
    )
    _, problems = validate_pack(pack)
    assert [problem.field for problem in problems] == ["services[old-town].voice.en.1"]


@pytest.mark.parametrize("seed", range(12))
def test_damaged_files_give_problems_never_a_crash(seed, tmp_path):
    """Delete, duplicate or truncate random lines of the Seoul pack: validation reports, never raises."""
    rng = random.Random(seed)
    pack = tmp_path / "pack"
    shutil.copytree(REPO_ROOT / "content", pack, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    files = sorted(pack.rglob("*.yaml"))
    for _ in range(3):
        target = rng.choice(files)
        lines = target.read_text(encoding="utf-8").splitlines()
        index = rng.randrange(len(lines))
        action = rng.choice(["delete", "duplicate", "truncate", "indent"])
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "truncate":
            lines[index] = lines[index][: len(lines[index]) // 2]
        else:
            lines[index] = "   " + lines[index]
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        _, problems = validate_pack(pack)
    except ContentError as error:
        assert str(error)
        return
    for problem in problems:
        assert problem.file.startswith(str(pack)) and problem.line >= 1 and problem.message
