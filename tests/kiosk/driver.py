"""Drive a kiosk the way the headless protocol does, in-process: JSON events in, JSON events out.

The kiosk is the real object `madang kiosk` builds (``build_kiosk``); every input goes through the
protocol's parser, so a test exercises exactly what an outside program would.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from madang.kiosk.app import Kiosk
from madang.kiosk.build import build_kiosk
from madang.kiosk.protocol import ProtocolError, parse

SEOUL_DAY = "2026-06-15"  # June: the automobile tax is due


@dataclass
class KioskDriver:
    kiosk: Kiosk
    events: list[dict] = field(default_factory=list)  # everything the kiosk said, in order
    screen: dict = field(default_factory=dict)

    @classmethod
    def build(cls, data_dir: Path, *, server: str | None = None, token: str | None = None, **options) -> KioskDriver:
        now = options.pop("now", None) or datetime.fromisoformat(SEOUL_DAY + "T10:00:00+09:00")
        driver = cls(build_kiosk(server=server, token=token, data_dir=data_dir, now=now, **options))
        driver._take(driver.kiosk.start())
        return driver

    def _take(self, events: list[dict]) -> list[dict]:
        self.events += events
        for event in events:
            if event["type"] == "screen":
                self.screen = event
        return events

    def send(self, **event) -> list[dict]:
        try:
            return self._take(self.kiosk.handle(parse(json.dumps(event, ensure_ascii=False))))
        except ProtocolError as error:
            return self._take(self.kiosk.error(error))

    def touch(self, target: str) -> list[dict]:
        return self.send(type="touch", target=target)

    def key(self, key: str) -> list[dict]:
        return self.send(type="key", key=key)

    def say(self, text: str, lang: str = "ko") -> list[dict]:
        return self.send(type="utterance", text=text, lang=lang)

    def type_text(self, text: str) -> list[dict]:
        return self.send(type="text", text=text)

    def tick(self, seconds: float) -> list[dict]:
        return self.send(type="tick", seconds=seconds)

    # ---------------------------------------------------------------- reading
    @property
    def screen_id(self) -> str:
        return self.screen["id"]

    def ids(self) -> list[str]:
        return [element["id"] for element in self.screen["elements"]]

    def element(self, element_id: str) -> dict | None:
        return next((e for e in self.screen["elements"] if e["id"] == element_id), None)

    def spoken(self, events: list[dict] | None = None) -> list[str]:
        return [event["text"] for event in (self.events if events is None else events) if event["type"] == "speech"]

    def errors(self, events: list[dict]) -> list[dict]:
        return [event for event in events if event["type"] == "error"]

    def last(self, kind: str) -> dict | None:
        return next((event for event in reversed(self.events) if event["type"] == kind), None)

    # ---------------------------------------------------------------- by modality
    def touch_anywhere(self, target: str, *, max_pages: int = 20) -> list[dict]:
        """Touch ``target``, turning pages forward first if it is on a later page."""
        for _ in range(max_pages):
            if self.element(target) is not None:
                return self.touch(target)
            if self.element("page-next") is None or not self.element("page-next")["enabled"]:
                break
            self.touch("page-next")
        raise AssertionError(f"{target!r} is not on any page of {self.screen_id!r}: {self.ids()}")

    def key_to(self, target: str, *, limit: int = 200) -> list[dict]:
        """Reach ``target`` with the keypad's down key alone, then press enter."""
        for _ in range(limit):
            focused = next((e["id"] for e in self.screen["elements"] if e["focused"]), None)
            if focused == target:
                return self.key("enter")
            self.key("down")
        raise AssertionError(f"the keypad never reached {target!r} on {self.screen_id!r}")

    def voice_to(self, target: str, lang: str = "ko") -> list[dict]:
        """Say ``target``'s first phrase, then confirm with yes when the kiosk asks."""
        element = self.element(target) or self._on_any_page(target)
        assert element is not None and element["voice"], f"{target!r} has no voice phrase on {self.screen_id!r}"
        events = self.say(element["voice"][0], lang)
        if self.element("voice-confirm") is not None:
            events += self.say("네" if lang == "ko" else "yes", lang)
        return events

    def _on_any_page(self, target: str) -> dict | None:
        laid_out = self.kiosk.laid_out
        for page in laid_out.pages:
            for placed in page:
                if placed.element.id == target:
                    return {"id": target, "voice": list(placed.element.voice)}
        return None
