"""Taking a ticket (language, needs, confirm) and waiting for it, with the live position from the server."""

from __future__ import annotations

import uuid

from madang.content.errors import MadangError

from ..api_types import SavedForLater, ServerRefused, ServerUnavailable, TicketInfo
from ..model import Element, Role
from .base import Context, Outcome, Page, button, command_button, option, text
from .consultation import ConsultationPage
from .live import ENDED, LiveTicket, minutes
from .offline import OfflinePage

NEEDS = ("wheelchair", "blind", "low-vision", "deaf", "sign-language", "easy-read", "elderly", "other")


class TicketConfirmPage(Page):
    screen_id = "ticket:confirm"
    is_question = True

    def __init__(self, service_id: str, *, document_id: str | None = None) -> None:
        self.service_id = service_id
        self.document_id = document_id
        self.needs: set[str] = set()
        self.consult_lang: str | None = None
        self.key = str(uuid.uuid4())  # one key per request: a retry after a lost answer gets the same ticket

    def service_name(self, ctx: Context) -> str:
        return ctx.pack.get("service", self.service_id).name.get(ctx.lang)

    def title(self, ctx: Context) -> str:
        return ctx.ui.title("ticket:confirm", ctx.lang)

    def prompt(self, ctx: Context) -> str:
        return ctx.ui.prompt("ticket:confirm", ctx.lang, service=self.service_name(ctx))

    def elements(self, ctx: Context) -> list[Element]:
        ui, lang = ctx.ui, ctx.lang
        elements = [text("question", self.prompt(ctx))]
        if self.document_id:
            document = ctx.pack.get("document", self.document_id)
            elements.append(
                text("document", ui.text("ticket:confirm", "document", lang, document=document.name.get(lang)))
            )
            elements.append(text("bring", ui.text("ticket:confirm", "bring", lang, bring=document.bring.get(lang))))
        elements += [command_button(ctx, "yes"), command_button(ctx, "no")]
        elements.append(text("needs", ui.text("ticket:confirm", "needs", lang), Role.heading))
        elements += [
            option(f"need:{need}", ui.text("ticket:confirm", f"need-{need}", lang)).with_(selected=need in self.needs)
            for need in NEEDS
        ]
        elements.append(option("consult-language", self._language_label(ctx)))
        return elements

    def _consultation_lang(self, ctx: Context) -> str:
        """The language the counsellor should speak: the session's unless the citizen chose the other."""
        return self.consult_lang or ctx.lang

    def _language_label(self, ctx: Context) -> str:
        language = ctx.ui.text("ticket:confirm", f"language-{self._consultation_lang(ctx)}", ctx.lang)
        return ctx.ui.text("ticket:confirm", "consult-language", ctx.lang, language=language)

    def activate(self, element_id: str, ctx: Context) -> Outcome | None:
        if element_id.startswith("need:") and element_id[5:] in NEEDS:
            self.needs ^= {element_id[5:]}
            state = "selected" if element_id[5:] in self.needs else "not-selected"
            label = ctx.ui.text("ticket:confirm", f"need-{element_id[5:]}", ctx.lang)
            return Outcome(say=[f"{label}: {ctx.ui.text('kiosk', state, ctx.lang)}"])
        if element_id == "consult-language":
            self.consult_lang = "en" if self._consultation_lang(ctx) == "ko" else "ko"
            return Outcome(say=[self._language_label(ctx)])
        if element_id == "no":
            return Outcome(back=True)
        if element_id == "yes":
            return self._take(ctx)
        return None

    def _take(self, ctx: Context) -> Outcome:
        lang = self._consultation_lang(ctx)
        note = None
        if self.document_id:
            document = ctx.pack.get("document", self.document_id).name.get(lang)
            note = ctx.ui.text("ticket:confirm", "document-note", lang, document=document)
        try:
            ticket = ctx.services.take_ticket(
                service_id=self.service_id,
                lang=lang,
                needs=sorted(self.needs),
                key=self.key,
                note=note,
            )
        except ServerUnavailable:  # no number now, and none later: the request is withdrawn (KioskServices)
            return Outcome(replace=OfflinePage(self.service_id))
        except ServerRefused as refused:
            return Outcome(say=[refused.detail])
        except MadangError:  # the kiosk could not even keep the request on its disk: staff can help
            return Outcome(say=[ctx.ui.text("consultation", "not-sent", ctx.lang)])
        return Outcome(replace=TicketWaitingPage(self.service_id, ticket))


class TicketWaitingPage(Page):
    screen_id = "ticket:waiting"

    def __init__(self, service_id: str, ticket: TicketInfo) -> None:
        self.service_id = service_id
        self.live = LiveTicket(ticket)

    @property
    def keeps_session(self) -> bool:  # type: ignore[override]
        """The idle timeout waits while the ticket is open; once it has ended, the session times out as usual."""
        return self.ticket.status not in ENDED

    @property
    def ticket(self) -> TicketInfo:
        return self.live.ticket

    def title(self, ctx: Context) -> str:
        return ctx.ui.title("ticket:waiting", ctx.lang, number=self.ticket.number)

    def prompt(self, ctx: Context) -> str:
        ahead = max(0, (self.ticket.position or 1) - 1)
        if ahead == 0:
            return ctx.ui.text("ticket:waiting", "prompt-next", ctx.lang, number=self.ticket.number)
        return ctx.ui.prompt(
            "ticket:waiting", ctx.lang, number=self.ticket.number, position=ahead, minutes=minutes(self.ticket)
        )

    def elements(self, ctx: Context) -> list[Element]:
        elements = [
            text("ticket-number", self.ticket.number, Role.heading),
            text("ticket-status", self.live.status_line(ctx), Role.status),
        ]
        if self.ticket.status not in ENDED:
            elements.append(button("cancel-ticket", ctx.ui.text("ticket:waiting", "cancel-ticket", ctx.lang)))
        elements.append(command_button(ctx, "finish"))
        return elements

    def activate(self, element_id: str, ctx: Context) -> Outcome | None:
        if element_id == "cancel-ticket" and self.ticket.status not in ENDED:
            try:
                self.live.ticket = ctx.services.cancel(self.ticket.id)
            except SavedForLater:  # cancelled when the server answers again; the events or the poll show it then
                return Outcome(say=[ctx.ui.text("ticket:waiting", "cancel-saved", ctx.lang)])
            except MadangError:
                return Outcome(say=[ctx.ui.text("consultation", "not-sent", ctx.lang)])
            return Outcome(say=[ctx.ui.text("ticket:waiting", "cancelled", ctx.lang)])
        return None

    def tick(self, ctx: Context, seconds: float) -> Outcome | None:
        changed = self.live.poll(ctx, seconds)
        if self.ticket.status in ("in_consultation", "on_hold"):
            return Outcome(replace=ConsultationPage(self.service_id, self.live))
        said = self.live.announcement(ctx)
        if said:
            return Outcome(say=[said], show="ticket-status")
        if changed:
            return Outcome(say=[self.live.status_line(ctx)], show="ticket-status")
        return None
