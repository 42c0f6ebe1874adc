"""Ids other parts of Madang and outside checks rely on. Renaming any of them breaks a contract."""

from datetime import timedelta, timezone

SEOUL = timezone(timedelta(hours=9), "KST")  # the city's clock, for days and months; Korea has no daylight saving

SEOUL_SERVICES = (
    "consult-120",
    "documents",
    "tax-square",
    "mayor-office",
    "fintech-lab",
    "invest-seoul",
    "business-support",
    "youth-counsel",
    "reading-plaza",
    "tour",
)
SEOUL_LANDMARKS = ("gwanghwamun-square", "deoksugung", "namdaemun-market", "donuimun-gate")
SEOUL_EVENTS = ("lantern-festival",)
HOME_SPACE = "plaza"

# Screens whose texts the kiosk needs in every pack.
REQUIRED_SCREENS = (
    "home",
    "service",
    "landmark",
    "ticket:confirm",
    "ticket:waiting",
    "consultation",
    "settings",
    "help",
    "offline",
    "session:warning",
    "kiosk",
    "document",
    "tax",
    "faq",
    "proposal",
    "proposal:receipt",
    "callback",
)
# Commands the kiosk needs, by phrase set.
REQUIRED_COMMANDS = {
    "global": (
        "help",
        "repeat",
        "home",
        "back",
        "slower",
        "faster",
        "louder",
        "softer",
        "bigger-text",
        "call-staff",
        "settings",
        "language",
    ),
    "answers": ("yes", "no"),
    "actions": ("consult", "request-document", "propose"),
    "session": ("more-time", "finish"),
    "settings": (
        "text-size",
        "high-contrast",
        "easy-mode",
        "low-position",
        "speech-rate",
        "volume",
        "captions",
        "voice-guidance",
    ),
    "digits": tuple(f"digit-{digit}" for digit in range(10)),
}
