"""A page that only tells something (a receipt, a saved request) and offers to finish.

Its words are functions of the context, so switching the language on this page says it again in the other.
"""

from __future__ import annotations

from collections.abc import Callable

from ..model import Element, Role
from .base import Context, Page, command_button, text

Words = Callable[[Context], str]


class NoticePage(Page):
    def __init__(self, screen_id: str, title: Words, message: Words) -> None:
        self.screen_id = screen_id
        self._title = title
        self._message = message

    def title(self, ctx: Context) -> str:
        return self._title(ctx)

    def prompt(self, ctx: Context) -> str:
        return self._message(ctx)

    def elements(self, ctx: Context) -> list[Element]:
        return [text("message", self._message(ctx), Role.status), command_button(ctx, "finish")]
