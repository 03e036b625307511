"""Pages show what the announced times imply and write nothing; `torget tick` writes it once;
a step a person asks for writes the clock's due moves for its one dialogue first."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from torget.accounts.models import Organisation, User
from torget.archive.models import ArchiveEntry, EntryKind
from torget.dialogues import actions, permissions
from torget.dialogues.lifecycle import IllegalTransition, effective_state, in_effective_states
from torget.dialogues.models import Dialogue, DialogueEvent, DialogueState
from torget.livechat.models import ChatSession, Question, QuestionStatus, QuestionStep
from torget.moderation.queries import dialogues_taking_contributions
from torget.realtime.models import StreamEvent

SignIn = Callable[[Client, User], Client]
S = DialogueState


def _rows() -> tuple[int, int, int, int]:
    """Everything a page view must not write: dialogue events, archive entries, live
    events and chat question steps."""
    return (
        DialogueEvent.objects.count(),
        ArchiveEntry.objects.count(),
        StreamEvent.objects.count(),
        QuestionStep.objects.count(),
    )


@pytest.fixture
def past_closing(make_dialogue: Callable[..., Dialogue]) -> Dialogue:
    """Opened by the clock three days ago, closing time an hour ago, and tick has not run
    since: stored OPEN."""
    now = timezone.now()
    dialogue = make_dialogue(
        slug="havnefront",
        title="Fremtidens havnefront",
        now=now - timedelta(days=3),
        opens_at=now - timedelta(days=3),
        closes_at=now - timedelta(hours=1),
    )
    assert dialogue.state == S.OPEN
    return dialogue


@pytest.fixture
def past_opening(make_dialogue: Callable[..., Dialogue]) -> Dialogue:
    """Scheduled yesterday to open an hour ago; tick has not run since: stored SCHEDULED."""
    now = timezone.now()
    dialogue = make_dialogue(
        slug="skolevej",
        title="Sikker skolevej",
        now=now - timedelta(days=1),
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=7),
    )
    assert dialogue.state == S.SCHEDULED
    return dialogue


# The derivation -------------------------------------------------------------------------------


def test_the_state_on_the_page_is_what_the_announced_times_imply() -> None:
    now = timezone.now()
    hour = timedelta(hours=1)

    def at(state: S, opens: datetime, closes: datetime) -> S:
        return effective_state(Dialogue(state=state, opens_at=opens, closes_at=closes), now)

    assert at(S.SCHEDULED, now + hour, now + 2 * hour) == S.SCHEDULED
    assert at(S.SCHEDULED, now - hour, now + hour) == S.OPEN
    assert at(S.SCHEDULED, now - 2 * hour, now - hour) == S.CLOSED
    assert at(S.OPEN, now - hour, now + hour) == S.OPEN
    assert at(S.OPEN, now - 2 * hour, now) == S.CLOSED  # closes at the announced minute
    for untouched in (S.DRAFT, S.CLOSED, S.FEEDBACK_PUBLISHED, S.ARCHIVED):
        assert at(untouched, now - 2 * hour, now - hour) == untouched


def test_the_query_and_the_function_agree(
    make_dialogue: Callable[..., Dialogue], past_closing: Dialogue, past_opening: Dialogue
) -> None:
    now = timezone.now()
    make_dialogue(slug="kladde", schedule=False)
    make_dialogue(
        slug="senere",
        now=now - timedelta(days=1),
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=2),
    )
    make_dialogue(
        slug="forbi",
        now=now - timedelta(days=2),
        opens_at=now - timedelta(days=1),
        closes_at=now - timedelta(hours=2),
    )
    dialogues = list(Dialogue.objects.all())
    for state in S:
        expected = {d.slug for d in dialogues if effective_state(d, now) == state}
        found = set(
            Dialogue.objects.filter(in_effective_states([state], now)).values_list(
                "slug", flat=True
            )
        )
        assert found == expected, state


# Pages write nothing ---------------------------------------------------------------------------


def test_a_visitor_after_the_closing_time_sees_it_closed_and_writes_nothing(
    client: Client, past_closing: Dialogue
) -> None:
    # Given a dialogue whose closing time has passed, stored OPEN because tick has not run
    before = _rows()
    # When a citizen opens the list and the dialogue's page
    listing = client.get("/")
    page = client.get(f"/d/{past_closing.slug}/").content.decode()
    # Then both show it closed
    assert [row["dialogue"].pk for row in listing.context["groups"]["closed"]] == [past_closing.pk]
    assert listing.context["groups"]["open"] == []
    assert "This dialogue closed" in page and 'name="text"' not in page
    assert '<span class="badge badge-closed">Closed</span>' in page
    # And nothing was written on their behalf
    assert _rows() == before
    past_closing.refresh_from_db()
    assert past_closing.state == S.OPEN


def test_the_list_groups_dialogues_by_what_the_times_imply(
    client: Client,
    make_dialogue: Callable[..., Dialogue],
    past_closing: Dialogue,
    past_opening: Dialogue,
) -> None:
    now = timezone.now()
    upcoming = make_dialogue(
        slug="bibliotek",
        title="Et nyt bibliotek",
        opens_at=now + timedelta(days=3),
        closes_at=now + timedelta(days=20),
    )
    groups = client.get("/").context["groups"]
    assert {name: [row["dialogue"].pk for row in rows] for name, rows in groups.items()} == {
        "open": [past_opening.pk],
        "upcoming": [upcoming.pk],
        "closed": [past_closing.pk],
    }
    assert [row["state"] for row in groups["open"]] == [S.OPEN]
    page = client.get(f"/d/{past_opening.slug}/").content.decode()
    assert '<span class="badge badge-open">Open</span>' in page and 'name="text"' in page


def test_the_staff_pages_show_the_derived_state_and_offer_the_feedback_report(
    client: Client, signed_in: SignIn, olga: User, past_closing: Dialogue
) -> None:
    signed_in(client, olga)
    before = _rows()
    dashboard = client.get("/staff/")
    assert [(row["dialogue"].pk, row["state"]) for row in dashboard.context["dialogues"]] == [
        (past_closing.pk, S.CLOSED)
    ]
    detail = client.get(f"/staff/dialogues/{past_closing.pk}/")
    assert detail.context["can_write_feedback"] and not detail.context["can_close"]
    assert not detail.context["can_edit"]
    assert "Write the feedback report" in detail.content.decode()
    assert _rows() == before


def test_the_permissions_follow_the_announced_times(
    olga: User, past_closing: Dialogue, past_opening: Dialogue
) -> None:
    assert permissions.can_write_feedback(olga, past_closing)
    assert not permissions.can_close_dialogue(olga, past_closing)
    assert permissions.can_close_dialogue(olga, past_opening)
    assert not permissions.can_unschedule_dialogue(olga, past_opening)
    # Before the closing time, the same dialogue is still open
    earlier = past_closing.closes_at - timedelta(minutes=1)
    assert permissions.can_close_dialogue(olga, past_closing, now=earlier)
    assert not permissions.can_write_feedback(olga, past_closing, now=earlier)


def test_the_transparency_page_lists_what_takes_contributions_now(
    client: Client, organisation: Organisation, past_closing: Dialogue, past_opening: Dialogue
) -> None:
    assert list(dialogues_taking_contributions(organisation)) == [past_opening]
    before = _rows()
    page = client.get("/transparency/").content.decode()
    assert past_opening.title in page and past_closing.title not in page
    assert _rows() == before


# A step a person asks for writes the clock's due moves first -----------------------------------


def test_publishing_feedback_after_the_closing_time_closes_it_at_the_announced_time_first(
    client: Client, signed_in: SignIn, olga: User, past_closing: Dialogue
) -> None:
    signed_in(client, olga)
    response = client.post(
        f"/staff/dialogues/{past_closing.pk}/feedback/",
        {
            "what_came_in": "12 indlæg.",
            "how_it_was_used": "Udvalget læste dem alle.",
            "what_was_decided": "Linjeføring B.",
            "publish": "1",
        },
    )
    assert response.status_code == 302
    past_closing.refresh_from_db()
    assert past_closing.state == S.FEEDBACK_PUBLISHED
    moves = list(
        past_closing.events.filter(kind=DialogueEvent.Kind.TRANSITION).values_list(
            "from_state", "to_state", "actor", "at"
        )
    )
    assert moves[-2:] == [
        (S.OPEN, S.CLOSED, None, past_closing.closes_at),  # the clock's, at the announced time
        (S.CLOSED, S.FEEDBACK_PUBLISHED, olga.pk, moves[-1][3]),
    ]
    kinds = list(
        ArchiveEntry.objects.filter(dialogue=past_closing)
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds[-4:] == [
        EntryKind.DIALOGUE_TRANSITION,  # closed by the clock
        EntryKind.FEEDBACK_SAVED,
        EntryKind.DIALOGUE_TRANSITION,
        EntryKind.FEEDBACK_PUBLISHED,
    ]
    # And tick finds nothing left to do
    assert call_tick() == ""


def test_closing_early_after_the_closing_time_is_refused_and_changes_nothing(
    client: Client, signed_in: SignIn, olga: User, past_closing: Dialogue
) -> None:
    signed_in(client, olga)
    before = _rows()
    response = client.post(f"/staff/dialogues/{past_closing.pk}/close/", follow=True)
    assert "That step is not possible" in response.content.decode()
    assert _rows() == before


def test_a_step_the_times_have_overtaken_raises_and_writes_not_even_the_clocks_move(
    olga: User, past_opening: Dialogue
) -> None:
    # Given a dialogue whose opening time has passed, still stored SCHEDULED (a page offered
    # "Back to draft" a moment before the opening time)
    before = _rows()
    # When the owner's step reaches the row lock after the opening time
    with pytest.raises(IllegalTransition):
        actions.unschedule_dialogue(dialogue=past_opening, actor=olga)
    # Then it is refused and the whole transaction is undone
    assert _rows() == before
    past_opening.refresh_from_db()
    assert past_opening.state == S.SCHEDULED


# Live chats ----------------------------------------------------------------------------------


@pytest.fixture
def chat_past_closing(make_chat: Callable[..., ChatSession], ask: Callable[..., Any]) -> Any:
    now = timezone.now()
    chat = make_chat(opens_at=now - timedelta(hours=2), closes_at=now - timedelta(hours=1))
    question = ask(chat, now=now - timedelta(minutes=90))
    return chat, question


def test_a_chat_after_its_closing_time_shows_closed_before_tick_and_writes_nothing(
    client: Client, signed_in: SignIn, alice: User, chat_past_closing: Any
) -> None:
    chat, question = chat_past_closing
    before = _rows()
    page = client.get(f"/chat/{chat.slug}/").content.decode()
    assert "The chat closed" in page and 'action="/chat/' not in page
    transcript = json.loads(client.get(f"/chat/{chat.slug}/transcript.json").content)
    assert transcript["closed"] is True
    signed_in(client, alice)
    console = client.get(f"/staff/chats/{chat.pk}/moderate/")
    assert console.context["window"] == "closed" and "Closed." in console.content.decode()
    assert _rows() == before
    chat.refresh_from_db()
    question.refresh_from_db()
    assert (chat.closed_at, question.status) == (None, QuestionStatus.PENDING)


def test_tick_then_closes_the_chat_and_the_dialogue_once(
    past_closing: Dialogue, chat_past_closing: Any
) -> None:
    chat, question = chat_past_closing
    out = call_tick()
    assert "1 dialogue(s) changed state; 1 live chat(s) closed" in out
    past_closing.refresh_from_db()
    chat.refresh_from_db()
    question.refresh_from_db()
    assert past_closing.state == S.CLOSED
    assert (chat.closed_at, question.status) == (chat.closes_at, QuestionStatus.NOT_REACHED)
    closes = DialogueEvent.objects.filter(dialogue=past_closing, to_state=S.CLOSED)
    assert [(e.actor_id, e.at) for e in closes] == [(None, past_closing.closes_at)]
    rows = _rows()
    # A second run finds nothing to do, says nothing and writes nothing
    assert call_tick() == ""
    assert _rows() == rows
    assert Question.objects.get().status == QuestionStatus.NOT_REACHED


# tick as a loop ------------------------------------------------------------------------------


def call_tick(*args: str) -> str:
    out = io.StringIO()
    call_command("tick", *args, stdout=out)
    return out.getvalue()


def test_tick_every_runs_again_and_prints_a_line_only_when_something_changed(
    past_closing: Dialogue,
) -> None:
    out = call_tick("--every", "0.01", "--runs", "3")
    lines = out.splitlines()
    assert len(lines) == 1 and "1 dialogue(s) changed state" in lines[0]
    past_closing.refresh_from_db()
    assert past_closing.state == S.CLOSED


@pytest.mark.parametrize(
    "args", [("--runs", "2"), ("--every", "0"), ("--every", "5", "--runs", "0")]
)
def test_tick_refuses_loop_options_that_make_no_sense(args: tuple[str, ...]) -> None:
    with pytest.raises(CommandError):
        call_tick(*args)
