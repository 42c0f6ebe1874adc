"""Finding the microphone and the speaker through sounddevice (PortAudio), with advice when there is none.

sounddevice is imported only when a device is needed: it raises OSError at import when libportaudio2 is missing.
PortAudio lists devices once, when it starts; ``rescan()`` lists them again (after PulseAudio started, or a
headset was plugged in), and must not be called while a stream is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Literal

Kind = Literal["input", "output"]
WHAT = {"input": "microphone", "output": "speaker"}
ADVICE = {
    "input": "plug one in, or start PulseAudio (`pulseaudio --start`) and check that a source is not muted",
    "output": "plug one in, or start PulseAudio (`pulseaudio --start`) and check that a sink is not muted",
}


class AudioUnavailable(RuntimeError):  # noqa: N818 - the kiosk's name for it
    """No usable microphone or speaker; the message lists the devices that exist and what to check."""


@dataclass(frozen=True)
class Device:
    index: int
    name: str
    kind: Kind
    channels: int  # the most this device takes in the given direction
    default_rate: int
    hostapi: str = ""


def sounddevice() -> ModuleType:
    try:
        import sounddevice
    except OSError as error:  # PortAudio library not found
        raise AudioUnavailable(
            f"no audio: the PortAudio library is missing ({error}): "
            "install it with `sudo apt-get install libportaudio2`"
        ) from None
    return sounddevice


def rescan() -> None:
    """Make PortAudio list the devices again (close every stream first)."""
    sd = sounddevice()
    sd._terminate()
    sd._initialize()


def all_devices() -> list[Device]:
    """Every device, once per direction it supports."""
    sd = sounddevice()
    found = []
    for info in sd.query_devices():
        hostapi = sd.query_hostapis(info["hostapi"])["name"]
        for kind in ("input", "output"):
            channels = int(info[f"max_{kind}_channels"])
            if channels > 0:
                found.append(
                    Device(info["index"], info["name"], kind, channels, int(info["default_samplerate"]), hostapi)
                )
    return found


def describe(devices: list[Device]) -> str:
    if not devices:
        return "none"
    names: dict[int, list[str]] = {}
    for device in devices:
        direction = "in" if device.kind == "input" else "out"
        names.setdefault(device.index, [device.name]).append(f"{device.channels} {direction}")
    return "; ".join(f"#{index} {parts[0]!r} ({', '.join(parts[1:])})" for index, parts in names.items())


def find_device(name: str | int | None, kind: Kind) -> Device:
    """The device whose name is or contains ``name`` (case-insensitive), the device number ``name``, or the default."""
    sd = sounddevice()
    devices = all_devices()
    usable = [device for device in devices if device.kind == kind]
    if name is None or name == "":
        default = sd.default.device[0 if kind == "input" else 1]
        for device in usable:
            if device.index == default:
                return device
        if usable:
            return usable[0]
        raise AudioUnavailable(f"no {WHAT[kind]}: {ADVICE[kind]}; devices found: {describe(devices)}")
    if isinstance(name, int) or (isinstance(name, str) and name.isdigit()):
        matches = [device for device in usable if device.index == int(name)]
    else:
        wanted = name.casefold()
        matches = [device for device in usable if device.name.casefold() == wanted]
        matches = matches or [device for device in usable if wanted in device.name.casefold()]
    if not matches:
        raise AudioUnavailable(
            f"no {WHAT[kind]} named {name!r}: {ADVICE[kind]}, or choose one of the devices found: {describe(devices)}"
        )
    return matches[0]


def supported_rate(device: Device, preferred: tuple[int, ...] = ()) -> int:
    """The first of ``preferred`` sample rates the device accepts (mono, 16-bit), else its default rate."""
    sd = sounddevice()
    check = sd.check_input_settings if device.kind == "input" else sd.check_output_settings
    for rate in preferred:
        try:
            check(device=device.index, channels=1, dtype="float32", samplerate=rate)
        except Exception:  # sounddevice raises PortAudioError or ValueError for an unsupported rate
            continue
        return rate
    return device.default_rate
