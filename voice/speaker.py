"""Playing speech through the speaker on a thread of its own, with a queue, urgent messages and barge-in.

Audio is written to a sounddevice OutputStream in blocks of 20 ms, about 100 ms ahead of what is heard; between
blocks the thread checks whether the speech was cut off (``interrupt()``, or an urgent message), and a cut
discards what is buffered, so speech stops within about one block.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .devices import AudioUnavailable, find_device, sounddevice, supported_rate
from .tts import Speech

log = logging.getLogger(__name__)

BLOCK_SECONDS = 0.02
OUTPUT_LATENCY = 0.1  # audio buffered ahead: a busy machine does not make it stutter; a cut discards it at once
TAIL_SECONDS = 0.15  # still "speaking" this long after the last sample left, for echo in the room
MAX_VOLUME = 2.0


@dataclass
class Played:
    """One speech as it went out; times are ``time.monotonic()``."""

    text: str
    lang: str
    queued_at: float
    started_at: float | None = None  # when its first sample went out (after the audio already buffered)
    ended_at: float | None = None  # when its last sample went out, or when it was cut off
    completed: bool = False  # False when it was cut off


@dataclass
class _Item:
    speech: Speech
    samples: np.ndarray  # at the stream's rate
    record: Played


class Speaker:
    """``say()`` queues speech; ``on_start(speech, started_at)`` is called on the playback thread as it starts."""

    def __init__(
        self,
        device: str | int | None = None,
        *,
        volume: float = 1.0,
        on_start: Callable[[Speech, float], None] | None = None,
        history: int = 200,
    ) -> None:
        self.device = find_device(device, "output")
        self.sample_rate = supported_rate(self.device, (22050, 48000, 44100, 16000))
        self.on_start = on_start
        self.played: deque[Played] = deque(maxlen=history)
        self.error: Exception | None = None  # the last playback failure, if any
        self._volume = 1.0
        self.volume = volume
        self._queue: deque[_Item] = deque()
        self._current: _Item | None = None
        self._cut = False
        self._draining = False
        self._quiet_at = 0.0
        self._closing = False
        self._cond = threading.Condition()
        self._stream: Any = None
        self._played_until = 0.0
        self._open_stream()
        self._thread = threading.Thread(target=self._run, name="madang-speaker", daemon=True)
        self._thread.start()

    # -- what callers use

    @property
    def volume(self) -> float:
        return self._volume

    @volume.setter
    def volume(self, value: float) -> None:
        self._volume = float(min(MAX_VOLUME, max(0.0, value)))

    @property
    def latency(self) -> float:
        """The device's output latency in seconds, as PortAudio reports it."""
        return float(self._stream.latency) if self._stream is not None else 0.0

    @property
    def speaking(self) -> bool:
        with self._cond:
            return self._busy() or time.monotonic() < self._quiet_at

    def say(self, speech: Speech, *, urgent: bool = False) -> Played:
        """Queue ``speech``; ``urgent`` puts it first and cuts off what is playing. Returns its record."""
        if self._closing:
            raise RuntimeError("the speaker is closed")
        samples = self._at_stream_rate(speech)
        item = _Item(speech, samples, Played(speech.text, speech.lang, time.monotonic()))
        with self._cond:
            if urgent:
                self._queue.appendleft(item)
                self._cut = self._current is not None
            else:
                self._queue.append(item)
            self._cond.notify_all()
        return item.record

    def interrupt(self, timeout: float = 0.5) -> bool:
        """Stop the speech now and forget the queue (barge-in). True if anything was playing or queued."""
        with self._cond:
            anything = self._busy()
            self._queue.clear()
            if self._current is not None or self._draining:
                self._cut = True
                self._cond.notify_all()
                self._cond.wait_for(lambda: self._current is None and not self._draining, timeout)
            return anything

    def wait_until_quiet(self, timeout: float | None = None) -> bool:
        """Block until nothing is queued or playing (tail included); False if ``timeout`` passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                now = time.monotonic()
                if not self._busy() and now >= self._quiet_at:
                    return True
                if deadline is not None and now >= deadline:
                    return False
                wait = None if self._busy() else self._quiet_at - now
                if deadline is not None:
                    wait = deadline - now if wait is None else min(wait, deadline - now)
                self._cond.wait(wait)

    def close(self) -> None:
        with self._cond:
            self._closing = True
            self._queue.clear()
            self._cut = True
            self._cond.notify_all()
        self._thread.join(timeout=2.0)
        if self._stream is not None:
            self._stream.close(ignore_errors=True)
            self._stream = None

    def __enter__(self) -> Speaker:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- the playback thread

    def _busy(self) -> bool:
        return bool(self._queue) or self._current is not None or self._draining

    def _at_stream_rate(self, speech: Speech) -> np.ndarray:
        samples = np.asarray(speech.samples, dtype=np.float32)
        if speech.sample_rate != self.sample_rate and samples.size:
            import soxr

            samples = soxr.resample(samples, speech.sample_rate, self.sample_rate).astype(np.float32)
        return samples

    def _open_stream(self) -> None:
        sd = sounddevice()
        try:
            self._stream = sd.OutputStream(
                device=self.device.index,
                samplerate=self.sample_rate,
                channels=1,
                dtype="float32",
                latency=OUTPUT_LATENCY,
            )
        except sd.PortAudioError as error:
            raise AudioUnavailable(f"cannot open the speaker {self.device.name!r}: {error}") from None

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._queue or self._closing)
                if self._closing:
                    return
                item = self._current = self._queue.popleft()
                self._cut = False
            try:
                completed = self._play(item)
            except Exception as error:  # a device that vanished must not kill the thread
                log.exception("playback failed")
                self.error = error
                completed = False
                self._reset_stream()
            with self._cond:
                item.record.ended_at = self._played_until if completed else time.monotonic()
                item.record.completed = completed
                self._current = None
                self._draining = not self._queue
                self._cond.notify_all()
            if self._draining:
                self._drain()

    def _play(self, item: _Item) -> bool:
        if self._stream is None:
            self._open_stream()
        stream = self._stream
        if not stream.active:
            stream.start()
            self._played_until = time.monotonic()
        block = max(1, int(self.sample_rate * BLOCK_SECONDS))
        samples = item.samples
        if not len(samples):
            self._started(item, max(time.monotonic(), self._played_until))
        for start in range(0, len(samples), block):
            if self._cut:
                stream.abort()
                return False
            chunk = samples[start : start + block] * self._volume
            np.clip(chunk, -1.0, 1.0, out=chunk)
            self._write(stream, chunk, item if start == 0 else None)
        return True

    def _write(self, stream: Any, chunk: np.ndarray, starting: _Item | None = None) -> None:
        """Write one block; keeps ``_played_until``, the time at which all audio written so far has been heard."""
        begins = max(time.monotonic(), self._played_until)
        if starting is not None:
            self._started(starting, begins)
        stream.write(chunk.reshape(-1, 1))
        self._played_until = max(time.monotonic(), begins) + len(chunk) / self.sample_rate

    def _started(self, item: _Item, at: float) -> None:
        item.record.started_at = at
        self.played.append(item.record)
        if self.on_start is not None:
            try:
                self.on_start(item.speech, at)
            except Exception:
                log.exception("on_start callback failed")

    def _drain(self) -> None:
        """Wait (writing silence, so the device never runs dry) until the last speech has been heard.

        A cut or new speech can come in meanwhile; then the stream stops (the tail of silence is not waited for).
        """
        stream = self._stream
        cut = self._cut
        try:
            if stream is not None and stream.active:
                silence = np.zeros(max(1, int(self.sample_rate * BLOCK_SECONDS)), np.float32)
                while time.monotonic() < self._played_until and not self._queue and not self._cut:
                    stream.write(silence.reshape(-1, 1))
                cut = self._cut
                if cut:
                    stream.abort()
        except Exception as error:
            log.exception("stopping the speaker failed")
            self.error = error
            self._reset_stream()
        with self._cond:
            self._draining = False
            if not cut and not self._queue:
                self._quiet_at = time.monotonic() + TAIL_SECONDS
            self._cond.notify_all()
        if stream is not None and stream.active and not cut:
            with self._cond:
                idle = not self._queue
            if idle:
                self._stop_quietly(stream)

    def _stop_quietly(self, stream: Any) -> None:
        try:
            stream.stop()  # plays out the silence still buffered (at most the output latency)
        except Exception:
            log.exception("stopping the speaker failed")
            self._reset_stream()

    def _reset_stream(self) -> None:
        if self._stream is not None:
            self._stream.close(ignore_errors=True)
            self._stream = None
