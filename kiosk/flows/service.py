"""A service: what it does, its questions and answers, and what a citizen can do there."""

from __future__ import annotations

from ..model import Element, Role
from .base import Context, Outcome, Page, command_button, item_option, option, text
from .info import INFO_PAGES
from .proposal import ProposalPage
from .ticket import TicketConfirmPage

ACTION_IDS = ("consult", "request-document", "propose")
READING_KINDS = ("landmark", "event")


class ServicePage(Page):
    def __init__(self, service_id: str) -> None:
        self.service_id = service_id

    @property
    def screen_id(self) -> str:  # type: ignore[override]
        return f"service:{self.service_id}"

    def service(self, ctx: Context):
        return ctx.pack.get("service", self.service_id)

    def title(self, ctx: Context) -> str:
        return ctx.ui.title("service", ctx.lang, service=self.service(ctx).name.get(ctx.lang))

    def prompt(self, ctx: Context) -> str:
        return ctx.ui.prompt("service", ctx.lang)

    def offered(self, ctx: Context) -> list[tuple[str, object]]:
        """The items this service offers, as (kind, item); Reading Seoul Plaza offers the tour's stories."""
        service = self.service(ctx)
        found = []
        for item_id in service.offers:
            for kind in ("tax", "document", "landmark", "event", "service"):
                item = ctx.pack.get(kind, item_id)
                if item is not None:
                    found.append((kind, item))
                    break
        if self.service_id == "reading-plaza":
            found += [(kind, item) for kind in READING_KINDS for item in ctx.pack.items(kind)]
        return found

    def elements(self, ctx: Context) -> list[Element]:
        service = self.service(ctx)
        elements = [
            text("summary", service.summary.get(ctx.lang)),
            text("description", ctx.readable(service.description)),
        ]
        if service.id == "tax-square":
            elements.append(self._due_this_month(ctx))
        elements += [command_button(ctx, action.value, Role.option) for action in service.actions]
        if service.id == "documents":
            elements.append(text("choose-document", ctx.ui.text("service", "choose-document", ctx.lang)))
        if service.id == "reading-plaza":
            elements.append(text("readables", ctx.ui.text("service", "readables", ctx.lang), Role.heading))
        elements += [item_option(ctx, kind, item) for kind, item in self.offered(ctx)]
        faqs = [faq for faq in ctx.pack.faqs if faq.service == self.service_id]
        if faqs:
            elements.append(text("faqs", ctx.ui.text("service", "faqs", ctx.lang), Role.heading))
            elements += [option(f"faq:{faq.id}", faq.question.get(ctx.lang)) for faq in faqs]
        if service.contact and service.contact.phone:
            elements.append(
                text("phone", ctx.ui.text("service", "contact-phone", ctx.lang, phone=service.contact.phone))
            )
        if service.contact and service.contact.web:
            elements.append(text("web", ctx.ui.text("service", "contact-web", ctx.lang, web=service.contact.web)))
        return elements

    def _due_this_month(self, ctx: Context) -> Element:
        due = [tax.name.get(ctx.lang) for tax in ctx.pack.taxes if ctx.now.month in tax.months]
        if not due:
            return text("due-this-month", ctx.ui.text("service", "nothing-due", ctx.lang), Role.status)
        return text(
            "due-this-month", ctx.ui.text("service", "due-this-month", ctx.lang, taxes=", ".join(due)), Role.status
        )

    def activate(self, element_id: str, ctx: Context) -> Outcome | None:
        if element_id == "consult":
            return Outcome(push=TicketConfirmPage(self.service_id))
        if element_id == "propose":
            return Outcome(push=ProposalPage())
        if element_id == "request-document":
            first = next((f"document:{item.id}" for kind, item in self.offered(ctx) if kind == "document"), None)
            return Outcome(say=[ctx.ui.text("service", "choose-document", ctx.lang)], focus=first)
        kind, _, item_id = element_id.partition(":")
        if kind == "service" and ctx.pack.get("service", item_id):
            return Outcome(push=ServicePage(item_id))
        if kind in INFO_PAGES and ctx.pack.get(kind, item_id) is not None:
            return Outcome(push=INFO_PAGES[kind](item_id))
        return None
