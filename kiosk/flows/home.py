"""Home (the plaza): every service as a large option, one touch or one phrase away."""

from __future__ import annotations

from ..model import Element
from .base import Context, Outcome, Page, item_option, model_view, text
from .service import ServicePage


class HomePage(Page):
    screen_id = "home"

    def title(self, ctx: Context) -> str:
        return ctx.ui.title("home", ctx.lang)

    def prompt(self, ctx: Context) -> str:
        return ctx.ui.prompt("home", ctx.lang)

    def elements(self, ctx: Context) -> list[Element]:
        space = ctx.pack.get("space", ctx.pack.info.home)
        services = [ctx.pack.get("service", service_id) for service_id in space.services]
        options = [item_option(ctx, "service", service) for service in services if service is not None]
        return [text("welcome", ctx.ui.text("home", "welcome", ctx.lang)), *options, *model_view(ctx, space)]

    def activate(self, element_id: str, ctx: Context) -> Outcome | None:
        kind, _, item_id = element_id.partition(":")
        if kind == "service" and ctx.pack.get("service", item_id) is not None:
            return Outcome(push=ServicePage(item_id))
        return None
