"""Audio files and buffers as the recogniser wants them: 16 kHz, mono, 16-bit little-endian PCM."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from madang.kiosk.hearing import UnreadableAudioError  # what the kiosk answers with bad_audio

from .recogniser import SAMPLE_RATE


def to_model_rate(samples: np.ndarray, rate: int) -> np.ndarray:
    """Mono float32 samples in [-1, 1] at ``rate`` → int16 at the model's rate."""
    if rate != SAMPLE_RATE:
        import soxr

        samples = soxr.resample(samples, rate, SAMPLE_RATE)
    return (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")


def read_wav(path: str | Path) -> tuple[np.ndarray, int]:
    """Mono float32 samples and their rate, from a PCM WAV file."""
    try:
        with wave.open(str(path), "rb") as wav:
            width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as error:
        raise UnreadableAudioError(f"{path} is not a WAV file Madang can read ({error}): send 16-bit PCM WAV") from None
    except OSError as error:
        raise UnreadableAudioError(f"cannot read {path}: {error.strerror or error}") from None
    if width not in (1, 2, 4):
        raise UnreadableAudioError(f"{path} has {width * 8}-bit samples: send 8, 16 or 32-bit PCM WAV")
    dtype = {1: np.uint8, 2: "<i2", 4: "<i4"}[width]
    samples = np.frombuffer(frames, dtype=dtype).astype(np.float32)
    if width == 1:
        samples = (samples - 128.0) / 128.0
    else:
        samples /= float(2 ** (8 * width - 1))
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    if samples.size == 0:
        raise UnreadableAudioError(f"{path} holds no sound: record the citizen's speech and send it again")
    return samples, rate


def wav_pcm(path: str | Path) -> bytes:
    samples, rate = read_wav(path)
    return to_model_rate(samples, rate).tobytes()


def write_wav(path: str | Path, pcm: bytes, rate: int = SAMPLE_RATE) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm)
