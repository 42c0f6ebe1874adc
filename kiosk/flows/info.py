"""Pages that inform: a landmark, an event, a document, a tax, a question and its answer."""

from __future__ import annotations

from madang.content.schema import month_name

from ..model import Element, Role
from .base import Context, Outcome, Page, button, command_button, model_view, text
from .ticket import TicketConfirmPage


def read_aloud(ctx: Context) -> Element:
    return button("read-aloud", ctx.ui.text("landmark", "read-aloud", ctx.lang))


class InfoPage(Page):
    """An item with a title and readable texts; ``read-aloud`` reads all of it."""

    kind = ""

    def __init__(self, item_id: str) -> None:
        self.item_id = item_id

    @property
    def screen_id(self) -> str:  # type: ignore[override]
        return f"{self.kind}:{self.item_id}"

    def item(self, ctx: Context):
        return ctx.pack.get(self.kind, self.item_id)

    def title(self, ctx: Context) -> str:
        return self.item(ctx).name.get(ctx.lang)

    def body(self, ctx: Context) -> list[Element]:
        raise NotImplementedError

    def elements(self, ctx: Context) -> list[Element]:
        return [*self.body(ctx), read_aloud(ctx)]

    def activate(self, element_id: str, ctx: Context) -> Outcome | None:
        if element_id == "read-aloud":
            return Outcome(say=[self.title(ctx)] + [element.label for element in self.body(ctx)])
        return None


def story(ctx: Context, item) -> list[Element]:
    """What a landmark and an event share: their description, what they look like (audio description), facts."""
    elements = [
        text("description", ctx.readable(item.description)),
        text("audio-description-heading", ctx.ui.text("landmark", "audio-description", ctx.lang), Role.heading),
        text("audio-description", item.audio_description.get(ctx.lang)),
    ]
    if item.facts:
        elements.append(text("facts-heading", ctx.ui.text("landmark", "facts", ctx.lang), Role.heading))
        elements += [text(f"fact-{index + 1}", fact.get(ctx.lang)) for index, fact in enumerate(item.facts)]
    return elements


def where(ctx: Context, location) -> Element:
    return text("location", ctx.ui.text("landmark", "where", ctx.lang, location=location.get(ctx.lang)))


class LandmarkPage(InfoPage):
    kind = "landmark"

    def prompt(self, ctx: Context) -> str:
        return ctx.ui.prompt("landmark", ctx.lang)

    def body(self, ctx: Context) -> list[Element]:
        item = self.item(ctx)
        elements = [*model_view(ctx, item), text("summary", item.summary.get(ctx.lang)), *story(ctx, item)]
        if item.location:
            elements.append(where(ctx, item.location))
        if item.visiting:
            elements.append(text("visiting-heading", ctx.ui.text("landmark", "visiting", ctx.lang), Role.heading))
            elements.append(text("visiting", item.visiting.get(ctx.lang)))
        return elements


class EventPage(LandmarkPage):
    kind = "event"

    def body(self, ctx: Context) -> list[Element]:
        item = self.item(ctx)
        return [
            *model_view(ctx, item),
            text("summary", item.summary.get(ctx.lang)),
            text("when", ctx.ui.text("landmark", "when", ctx.lang, when=item.when.get(ctx.lang))),
            where(ctx, item.location),
            *story(ctx, item),
        ]


class TaxPage(InfoPage):
    kind = "tax"

    def prompt(self, ctx: Context) -> str:
        return ctx.ui.prompt("tax", ctx.lang)

    def body(self, ctx: Context) -> list[Element]:
        item = self.item(ctx)
        months = ", ".join(month_name(month, ctx.lang) for month in item.months)
        elements = [
            text("description", ctx.readable(item.description)),
            text("months", ctx.ui.text("tax", "months", ctx.lang, months=months)),
        ]
        if ctx.now.month in item.months:
            elements.insert(0, text("due-now", ctx.ui.text("tax", "due-now", ctx.lang), Role.status))
        return elements


class FaqPage(InfoPage):
    kind = "faq"

    def title(self, ctx: Context) -> str:
        return self.item(ctx).question.get(ctx.lang)

    def prompt(self, ctx: Context) -> str:
        return ctx.ui.prompt("faq", ctx.lang)

    def body(self, ctx: Context) -> list[Element]:
        return [text("answer", ctx.readable(self.item(ctx).answer))]


class DocumentPage(InfoPage):
    """A civil document: what it is for and what to bring, and a ticket for the documents counter."""

    kind = "document"

    def prompt(self, ctx: Context) -> str:
        return ctx.ui.prompt("document", ctx.lang)

    def body(self, ctx: Context) -> list[Element]:
        item = self.item(ctx)
        return [
            text("purpose-heading", ctx.ui.text("document", "purpose", ctx.lang), Role.heading),
            text("purpose", ctx.readable(item.purpose)),
            text("bring-heading", ctx.ui.text("document", "bring", ctx.lang), Role.heading),
            text("bring", item.bring.get(ctx.lang)),
        ]

    def elements(self, ctx: Context) -> list[Element]:
        return [*self.body(ctx), command_button(ctx, "request-document"), read_aloud(ctx)]

    def activate(self, element_id: str, ctx: Context) -> Outcome | None:
        if element_id == "request-document":
            return Outcome(push=TicketConfirmPage("documents", document_id=self.item_id))
        return super().activate(element_id, ctx)


INFO_PAGES: dict[str, type[InfoPage]] = {
    page.kind: page for page in (LandmarkPage, EventPage, TaxPage, FaqPage, DocumentPage)
}
