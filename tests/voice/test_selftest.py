"""`madang voice selftest`: every phrase a screen listens for, spoken by espeak-ng and judged as the kiosk judges it."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from madang.kiosk.compose import ANSWERS
from madang.kiosk.texts import UiTexts
from tests.conftest import run_madang

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not installed: sudo apt-get install espeak-ng"
)


@pytest.fixture(scope="module")
def answer_phrases(shipped_pack) -> dict[str, tuple[str, ...]]:
    ui = UiTexts(shipped_pack)
    return {answer: ui.command(answer, "ko").voice for answer in ANSWERS}


@needs_espeak
@pytest.mark.slow
def test_answers_reports_every_yes_and_no_phrase_with_counts(answer_phrases):
    done = run_madang("voice", "selftest", "--screen", "answers", "--json", timeout=180)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    settings = len(report["settings"])
    assert settings >= 3
    [screen] = report["screens"]
    assert screen["screen"] == "answers" and screen["acceptance"] == "answer"
    reported = {(p["choice"], p["phrase"]) for p in screen["phrases"]}
    assert reported == {(answer, phrase) for answer, phrases in answer_phrases.items() for phrase in phrases}
    for phrase in screen["phrases"]:
        assert phrase["utterances"] == settings == len(phrase["heard"])
        assert phrase["right"] + phrase["rejected"] + sum(phrase["wrong"].values()) == settings
        assert 0 <= phrase["itself"] <= settings
        assert set(phrase["wrong"]) <= set(ANSWERS) - {phrase["choice"]}
    summary = screen["summary"]
    assert summary["utterances"] == settings * len(reported)
    assert summary["right"] == sum(p["right"] for p in screen["phrases"])


@needs_espeak
@pytest.mark.slow
def test_the_readable_report_has_a_line_per_phrase_a_summary_and_advice(answer_phrases):
    done = run_madang("voice", "selftest", "--screen", "answers", timeout=180)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for phrase in (phrase for phrases in answer_phrases.values() for phrase in phrases):
        [line] = [line for line in lines if line.endswith(f" {phrase!r}") or f" {phrase!r}  " in line]
        assert re.search(r"\d+/\d+ right .* \d+ rejected +\d+ wrong", line), line
    assert "Summary" in lines and "Advice" in lines
    assert any(line.strip().startswith("answers") and "right" in line for line in lines[lines.index("Summary") :])


def test_an_unknown_screen_is_a_clear_error_with_exit_code_2():
    done = run_madang("voice", "selftest", "--screen", "service:nowhere")
    assert done.returncode == 2
    assert "no screen 'service:nowhere'" in done.stderr
    assert "home" in done.stderr and "service:tax-square" in done.stderr and "answers" in done.stderr
    assert done.stdout == ""
