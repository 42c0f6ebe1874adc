"""The microphone as a queue of 16 kHz mono 16-bit PCM chunks (about 80 ms each), ready for the recogniser."""

from __future__ import annotations

import contextlib
import math
import queue
from typing import Any

import numpy as np

from .devices import AudioUnavailable, find_device, sounddevice, supported_rate
from .recogniser import SAMPLE_RATE
from .wav import to_model_rate

CHUNK_SECONDS = 0.08
SILENT_DBFS = -100.0  # the level of digital silence (log of zero would be -inf)


def level(pcm: bytes) -> float:
    """RMS level of 16-bit PCM in dBFS: 0 is full scale, quiet rooms are below about -50."""
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0
    if samples.size == 0:
        return SILENT_DBFS
    rms = math.sqrt(float(np.mean(samples * samples)))
    return max(SILENT_DBFS, 20.0 * math.log10(rms)) if rms > 0 else SILENT_DBFS


class Microphone:
    """Opens the device at 16 kHz when it can (else at its own rate, resampled); ``read()`` gives the chunks."""

    def __init__(self, device: str | int | None = None, *, max_seconds: float = 10.0) -> None:
        self.device = find_device(device, "input")
        self.rate = supported_rate(self.device, (SAMPLE_RATE,))
        self.dropped = 0  # chunks thrown away because nobody read them in time
        self.overflows = 0  # times the device had to drop input (the process was too slow)
        self.last_level = SILENT_DBFS
        self._chunks: queue.Queue[bytes] = queue.Queue(maxsize=max(1, int(max_seconds / CHUNK_SECONDS)))
        self._resampler: Any = None
        self._stream: Any = None

    @property
    def active(self) -> bool:
        return self._stream is not None and self._stream.active

    def start(self) -> None:
        if self.active:
            return
        sd = sounddevice()
        if self.rate != SAMPLE_RATE:
            import soxr

            self._resampler = soxr.ResampleStream(self.rate, SAMPLE_RATE, 1, dtype="float32")
        try:
            self._stream = sd.InputStream(
                device=self.device.index,
                samplerate=self.rate,
                channels=1,
                dtype="float32",
                blocksize=int(self.rate * CHUNK_SECONDS),
                latency="low",
                callback=self._callback,
            )
            self._stream.start()
        except sd.PortAudioError as error:
            self._stream = None
            raise AudioUnavailable(f"cannot open the microphone {self.device.name!r}: {error}") from None

    def read(self, timeout: float | None = None) -> bytes | None:
        """The next chunk, or None if none came within ``timeout`` seconds."""
        try:
            return self._chunks.get(timeout=timeout)
        except queue.Empty:
            return None

    def clear(self) -> int:
        """Forget the audio heard so far (e.g. the kiosk's own voice); returns how many chunks were dropped."""
        cleared = 0
        with contextlib.suppress(queue.Empty):
            while True:
                self._chunks.get_nowait()
                cleared += 1
        return cleared

    level = staticmethod(level)

    def close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.close(ignore_errors=True)

    def __enter__(self) -> Microphone:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _callback(self, indata: np.ndarray, _frames: int, _time: Any, status: Any) -> None:
        if status.input_overflow:
            self.overflows += 1
        samples = indata[:, 0].astype(np.float32)  # a copy: PortAudio reuses its buffer
        if self._resampler is not None:
            samples = self._resampler.resample_chunk(samples)
        pcm = to_model_rate(samples, SAMPLE_RATE).tobytes()
        if not pcm:
            return
        self.last_level = level(pcm)
        try:
            self._chunks.put_nowait(pcm)
        except queue.Full:
            with contextlib.suppress(queue.Empty):
                self._chunks.get_nowait()
                self.dropped += 1
            with contextlib.suppress(queue.Full):
                self._chunks.put_nowait(pcm)
