"""Voice fixtures: a private PulseAudio server that sounddevice in this process uses, and the Korean model."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from madang.voice import devices
from madang.voice.models import load_model
from tests.conftest import unavailable
from tests.kiosk.conftest import kiosk_server  # noqa: F401  (the admin server, for tickets by voice)
from tests.voice.live_kiosk import LiveKiosk, Speaker, VoiceCitizen
from tests.voice.pulse import VirtualAudio, missing_tools


@pytest.fixture(scope="session")
def virtual_audio() -> Iterator[VirtualAudio]:
    """The virtual speaker and microphone, as this process's default output and input devices."""
    missing = missing_tools()
    if missing:
        _unavailable(f"virtual audio needs {', '.join(missing)}")
    audio = VirtualAudio().start()
    try:
        with audio.as_default():
            devices.rescan()  # PortAudio lists devices once, at start: list them again now that the server runs
            if not any(device.name == "pulse" for device in devices.all_devices()):
                _unavailable("PortAudio does not see PulseAudio (ALSA's pulse plugin is missing)")
            yield audio
    finally:
        audio.stop()
        devices.rescan()


def _unavailable(reason: str) -> None:
    unavailable(reason, "sudo apt-get install pulseaudio pulseaudio-utils libasound2-plugins libportaudio2")


@pytest.fixture(scope="session")
def korean_model():
    return load_model("ko")


@pytest.fixture
def live_kiosk(virtual_audio, tmp_path) -> Iterator[Callable[..., VoiceCitizen]]:
    """Start a kiosk process with live audio; gives a voice-only citizen standing at it."""
    started: list[tuple[LiveKiosk, Speaker]] = []

    def start(server: dict[str, str] | None = None) -> VoiceCitizen:
        speaker = Speaker(virtual_audio, tmp_path / "speaker.raw")
        kiosk = LiveKiosk(virtual_audio, tmp_path / "kiosk", server or {}).start()
        started.append((kiosk, speaker))
        clips = tmp_path / "clips"
        clips.mkdir()
        kiosk.wait_for(lambda: any(event["type"] == "screen" for _, event in kiosk.events))
        return VoiceCitizen(kiosk, speaker, clips)

    yield start
    for kiosk, speaker in started:
        speaker.close()
        assert kiosk.stop() == 0, kiosk.stderr
