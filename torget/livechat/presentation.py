"""What viewers see of a chat, rendered once per language when something is published.

A published pair goes out on the public stream as ready HTML in every language the site
speaks, so ten thousand open pages insert it without asking the server for anything. The
same templates render the page itself, so a refresh and a live insertion look the same.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from torget.accounts.models import Party
from torget.dialogues.presentation import public_name, public_text
from torget.livechat.models import (
    Answer,
    ChatSession,
    PanelSeat,
    Question,
    QuestionStatus,
)

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


def _render_each_language(
    session: ChatSession, template: str, context: dict[str, object]
) -> dict[str, str]:
    zone = zoneinfo.ZoneInfo(session.dialogue.organisation.time_zone)
    rendered: dict[str, str] = {}
    with timezone.override(zone):
        for code in LANGUAGE_CODES:
            with translation.override(code):
                rendered[code] = render_to_string(template, context).strip()
    return rendered


def parties_on_panel(session: ChatSession) -> dict[int, Party | None]:
    """The party each politician sits for in this chat (seats of people since taken off the
    panel included: their answers still stand for that party)."""
    return {seat.politician_id: seat.party for seat in session.seats.select_related("party")}


def pair_context(
    question: Question, answer: Answer, parties: dict[int, Party | None]
) -> dict[str, object]:
    return {
        "question": question,
        "question_text": public_text(question),
        "answer": answer,
        "politician": answer.author,
        "party": parties.get(answer.author_id, answer.author.party),
    }


def pair_fragments(question: Question, answer: Answer) -> dict[str, object]:
    """The public event for a published question and answer."""
    context = pair_context(question, answer, parties_on_panel(question.session))
    announce: dict[str, str] = {}
    for code in LANGUAGE_CODES:
        with translation.override(code):
            announce[code] = gettext("New answer from %(politician)s to %(asker)s.") % {
                "politician": answer.author.display_name,
                "asker": public_name(question.display_name),
            }
    return {
        "ref": question.reference,
        "html": _render_each_language(question.session, "livechat/_pair.html", context),
        "announce": announce,
    }


def waiting_fragments(question: Question) -> dict[str, str]:
    context = {"question": question, "question_text": public_text(question)}
    return _render_each_language(question.session, "livechat/_waiting.html", context)


def closed_fragments(session: ChatSession) -> dict[str, str]:
    return _render_each_language(session, "livechat/_closed.html", {"session": session})


def status_counts(session: ChatSession) -> dict[str, int]:
    rows = session.questions.values_list("status").annotate(n=Count("pk"))
    return {status: n for status, n in rows}


@dataclass(frozen=True)
class Counter:
    label: str
    party: str
    assigned: int
    answered: int
    waiting: int


ANSWERED_STATUSES = (QuestionStatus.ANSWERED, QuestionStatus.PUBLISHED)


def panel_counters(
    session: ChatSession, seats: list[PanelSeat]
) -> tuple[list[Counter], list[Counter]]:
    """Per politician and per party: assigned so far, answered, and still waiting, so the
    moderators can keep the distribution fair. One query for all of them."""
    rows = {
        row["assigned_to"]: row
        for row in session.questions.filter(assigned_to__isnull=False)
        .values("assigned_to")
        .annotate(
            assigned=Count("pk"),
            answered=Count("pk", filter=Q(status__in=ANSWERED_STATUSES)),
            waiting=Count("pk", filter=Q(status=QuestionStatus.ASSIGNED)),
        )
    }
    people: list[Counter] = []
    parties: dict[str, list[int]] = {}
    for seat in seats:
        row = rows.get(seat.politician_id, {})
        numbers = [int(row.get(key, 0)) for key in ("assigned", "answered", "waiting")]
        party = seat.party.name if seat.party else ""
        people.append(Counter(seat.politician.display_name, party, *numbers))
        totals = parties.setdefault(party, [0, 0, 0])
        for index, number in enumerate(numbers):
            totals[index] += number
    party_rows = [
        Counter(name or gettext("No party"), name, *totals) for name, totals in parties.items()
    ]
    return people, party_rows
