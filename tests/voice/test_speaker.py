"""The speaker, heard from the virtual speaker's monitor: what is said comes out, whole, soon, and stops on demand."""

from __future__ import annotations

import time

import numpy as np
import pytest

from madang.voice.devices import AudioUnavailable
from madang.voice.speaker import Speaker
from madang.voice.tts import Speech, Synthesiser
from madang.voice.wav import to_model_rate

LONG = "서울 마당에 오신 것을 환영합니다. 화면을 누르거나 말씀하시면 시작합니다."  # about 5 s
SHORT = "세금 상담"


@pytest.fixture(scope="module")
def synthesiser():
    return Synthesiser()


@pytest.fixture
def speaker(virtual_audio):
    with Speaker() as speaker:
        yield speaker


def loud_seconds(speech: Speech, threshold: float = 0.01) -> float:
    loud = np.flatnonzero(np.abs(speech.samples) > threshold)
    return (loud[-1] + 1 - loud[0]) / speech.sample_rate


def test_what_is_said_comes_out_whole_and_soon(virtual_audio, speaker, synthesiser):
    speech = synthesiser.synthesise(SHORT, "ko")
    with virtual_audio.capture() as heard:
        asked = time.monotonic()
        played = speaker.say(speech)
        assert speaker.speaking
        assert speaker.wait_until_quiet(timeout=10)
        quiet = time.monotonic()
    start, _ = heard.sound()
    assert heard.began_at + start - asked < 0.25  # the reply starts within a quarter of a second
    assert heard.sounding_seconds() == pytest.approx(loud_seconds(speech), abs=0.1)
    assert played.completed
    assert played.started_at == pytest.approx(heard.began_at + start, abs=0.1)
    assert quiet - asked >= speech.seconds + 0.1  # "speaking" lasts until the sound is out, plus a short tail


def test_interrupt_stops_the_speech_and_forgets_the_queue(virtual_audio, speaker, synthesiser):
    first, queued = synthesiser.synthesise(LONG, "ko"), synthesiser.synthesise(SHORT, "ko")
    assert first.seconds > 3
    with virtual_audio.capture() as heard:
        played = speaker.say(first)
        speaker.say(queued)
        time.sleep(0.6)
        cut = time.monotonic()
        assert speaker.interrupt()
        assert not speaker.speaking
        assert time.monotonic() - cut < 0.2
        time.sleep(0.5)
    start, end = heard.sound()
    assert heard.began_at + end - cut < 0.15  # silence within 150 ms of the barge-in
    assert end - start < 1.0
    assert not played.completed
    assert [record.text for record in speaker.played] == [LONG]
    assert not speaker.interrupt()  # nothing left to stop


def test_volume_scales_the_level(virtual_audio, speaker, synthesiser):
    speech = synthesiser.synthesise(SHORT, "ko")
    levels = {}
    for volume in (1.0, 0.5):
        speaker.volume = volume
        with virtual_audio.capture() as heard:
            speaker.say(speech)
            assert speaker.wait_until_quiet(timeout=10)
        levels[volume] = heard.rms()
    assert levels[0.5] / levels[1.0] == pytest.approx(0.5, abs=0.05)
    speaker.volume = 5.0
    assert speaker.volume == 2.0
    speaker.volume = -1
    assert speaker.volume == 0.0


def test_loud_speech_is_clipped_not_wrapped(virtual_audio, speaker, synthesiser):
    speaker.volume = 2.0
    with virtual_audio.capture() as heard:
        speaker.say(synthesiser.synthesise(SHORT, "ko"))
        assert speaker.wait_until_quiet(timeout=10)
    assert 0.9 < heard.peak() <= 1.0


def test_urgent_speech_jumps_the_queue(virtual_audio, synthesiser):
    long, next_up, urgent = (synthesiser.synthesise(text, "ko") for text in (LONG, SHORT, "직원을 불렀습니다"))
    starts = []
    speaker = Speaker(on_start=lambda speech, at: starts.append((speech.text, at)))
    with speaker, virtual_audio.capture() as heard:
        first = speaker.say(long)
        speaker.say(next_up)
        time.sleep(0.5)
        speaker.say(urgent, urgent=True)
        assert speaker.wait_until_quiet(timeout=15)
    assert [text for text, _ in starts] == [long.text, urgent.text, next_up.text]
    assert not first.completed
    assert all(record.completed for record in list(speaker.played)[1:])
    assert heard.sounding_seconds() < 0.5 + urgent.seconds + next_up.seconds + 0.5 < long.seconds


def test_speech_at_another_rate_plays_at_its_own_speed(virtual_audio, speaker, synthesiser):
    original = synthesiser.synthesise(SHORT, "ko")
    at_16k = to_model_rate(np.asarray(original.samples), original.sample_rate).astype(np.float32) / 32767
    recorded = Speech(at_16k, 16_000, original.text, "ko")
    assert speaker.sample_rate != recorded.sample_rate
    with virtual_audio.capture() as heard:
        speaker.say(recorded)
        assert speaker.wait_until_quiet(timeout=10)
    assert heard.sounding_seconds() == pytest.approx(loud_seconds(original), abs=0.1)


def test_a_missing_speaker_lists_the_devices_there_are(virtual_audio):
    with pytest.raises(AudioUnavailable, match=r"no speaker named 'hdmi-3'.*devices found: .*'pulse'"):
        Speaker("hdmi-3")
