"""A voice-only citizen at a real kiosk process: `madang kiosk --mode headless --audio` on the virtual sound
devices. The citizen speaks espeak-ng clips into the virtual microphone, waits until the kiosk has finished
talking (silence on the virtual speaker), and decides what to say from what the kiosk said, like a person
who cannot see the screen. The JSON events are only read to check the outcome and to know what was said."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tests.conftest import MADANG
from tests.voice.pulse import CAPTURE_RATE, VirtualAudio, citizen_clip

YES, NO = "네 맞아 요", "아니요 틀려 요"
SCAN_YES, SCAN_NO = "네", "아니요"


@dataclass
class LiveKiosk:
    audio: VirtualAudio
    data_dir: Path
    server: dict[str, str] = field(default_factory=dict)
    events: list[tuple[float, dict]] = field(default_factory=list)
    process: subprocess.Popen | None = None
    stderr: list[str] = field(default_factory=list)

    def start(self) -> LiveKiosk:
        command = [str(MADANG), "kiosk", "--mode", "headless", "--audio", "--data-dir", str(self.data_dir)]
        if self.server:
            command += ["--server", self.server["url"], "--token", self.server["token"]]
        env = {**os.environ, **self.audio.env}
        env.pop("MADANG_KIOSK_TOKEN", None)
        self.process = subprocess.Popen(
            command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_errors, daemon=True).start()
        return self

    def _read(self) -> None:
        for line in self.process.stdout:
            self.events.append((time.monotonic(), json.loads(line)))

    def _read_errors(self) -> None:
        for line in self.process.stderr:
            self.stderr.append(line)

    def stop(self) -> int:
        self.process.stdin.write('{"type":"quit"}\n')
        self.process.stdin.close()
        code = self.process.wait(timeout=20)
        self.process.stdout.close()
        self.process.stderr.close()
        return code

    @property
    def screen(self) -> dict:
        return next(event for _, event in reversed(self.events) if event["type"] == "screen")

    def said_since(self, index: int) -> list[str]:
        return [event["text"] for _, event in self.events[index:] if event["type"] == "speech"]

    def wait_for(self, check: Callable[[], bool], timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; kiosk said: {self.said_since(0)[-6:]}; stderr: {self.stderr}")
            time.sleep(0.05)


class Speaker:
    """Follows the virtual speaker through a recording that grows while the test runs."""

    def __init__(self, audio: VirtualAudio, path: Path) -> None:
        self.path = path
        self.file = path.open("wb")
        self.recorder = subprocess.Popen(
            ["parec", "-d", "speaker.monitor", "--latency-msec=20", f"--rate={CAPTURE_RATE}", "--channels=1",
             "--format=s16le", "--raw"],
            env={**os.environ, **audio.env}, stdout=self.file, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def samples(self) -> np.ndarray:
        return np.frombuffer(self.path.read_bytes(), dtype="<i2").astype(np.float32) / 32768.0

    def quiet_for(self, seconds: float) -> bool:
        size = self.path.stat().st_size
        want = int(seconds * CAPTURE_RATE) * 2
        if size < want:
            return False
        with self.path.open("rb") as recording:
            recording.seek(size - want)
            tail = np.frombuffer(recording.read(want), dtype="<i2")
        return bool(np.abs(tail).max() < 300)

    def close(self) -> None:
        if self.recorder.poll() is None:
            self.recorder.terminate()
            self.recorder.wait(timeout=5)
        self.file.close()


class VoiceCitizen:
    """Someone who can only speak and listen."""

    def __init__(self, kiosk: LiveKiosk, speaker: Speaker, clips: Path) -> None:
        self.kiosk = kiosk
        self.speaker = speaker
        self.clips = clips
        self.spoken: list[str] = []

    def clip(self, text: str) -> Path:
        return citizen_clip(text, self.clips / f"{len(self.spoken)}.wav")

    def wait_until_quiet(self, timeout: float = 30) -> None:
        """Until the kiosk has said everything (no new speech, and silence on the speaker for a while)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            count = len(self.kiosk.events)
            time.sleep(0.3)
            last_event = self.kiosk.events[-1][0] if self.kiosk.events else 0.0
            settled = time.monotonic() - last_event > 1.0  # its speech has had time to start
            if count == len(self.kiosk.events) and settled and self.speaker.quiet_for(0.8):
                return
        raise AssertionError(f"the kiosk kept talking: {self.kiosk.said_since(0)[-4:]}")

    def say(self, text: str) -> int:
        self.wait_until_quiet()
        index = len(self.kiosk.events)
        self.spoken.append(text)
        self.kiosk.audio.feed(self.clip(text))
        return index

    def await_reply(self, index: int, timeout: float = 4) -> None:
        """Give the kiosk time to hear the end of what was said and to answer (it may also say nothing)."""
        deadline = time.monotonic() + timeout
        while len(self.kiosk.events) <= index and time.monotonic() < deadline:
            time.sleep(0.05)

    def choose(self, phrase: str, label: str | None, done: Callable[[dict], bool], *, turns: int = 24) -> None:
        """Say ``phrase``; answer the kiosk's questions about ``label`` until ``done(screen)``; with no label,
        every question is answered yes (the screen's own question, such as "take a ticket?")."""
        index = self.say(phrase)
        for _ in range(turns):
            self.await_reply(index)
            self.wait_until_quiet()
            if done(self.kiosk.screen):
                return
            heard = self.kiosk.said_since(index)
            last = heard[-1] if heard else ""
            if "맞으면 '네'" in last:
                index = self.say(YES if label is None or last.startswith(f"{label},") else NO)
            elif "이것이면 '네'" in last:
                index = self.say(SCAN_YES if last.startswith(f"{label}.") else SCAN_NO)
            else:  # not understood, or nothing heard at all: say it again, like a person would
                index = self.say(phrase)
        self.await_reply(index)
        self.wait_until_quiet()
        if not done(self.kiosk.screen):
            raise AssertionError(f"no way through by voice; kiosk said: {self.kiosk.said_since(0)[-8:]}")
