"""A page that only tells something (a receipt, a saved request) and offers to finish."""

from __future__ import annotations

from ..model import Element, Role
from .base import Context, Page, command_button, text


class NoticePage(Page):
    def __init__(self, screen_id: str, title: str, message: str) -> None:
        self.screen_id = screen_id
        self._title = title
        self.message = message

    def title(self, ctx: Context) -> str:
        return self._title

    def prompt(self, ctx: Context) -> str:
        return self.message

    def elements(self, ctx: Context) -> list[Element]:
        return [text("message", self.message, Role.status), command_button(ctx, "finish")]
