"""A moderator can hold a post for a closer look: it leaves (or stays out of) public view and
waits in the queue for a decision; the hold is recorded and archived like a decision, is not
counted as one, and tells the author nothing yet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core import mail
from django.test import Client

from torget.accounts.models import User
from torget.archive.models import ArchiveEntry, EntryKind
from torget.dialogues import actions as dialogue_actions
from torget.dialogues.models import Dialogue, Post, PostStatus
from torget.moderation import actions
from torget.moderation.models import Decision, DecisionKind

DOUBTFUL = "Rådmanden tager imod penge fra entreprenøren, det ved alle."


def test_a_held_post_leaves_the_public_page_and_waits_for_a_decision(
    client: Client,
    make_dialogue: Callable[..., Dialogue],
    contribute: Callable[..., Post],
    alice: User,
    moritz: User,
    signed_in: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    dialogue = make_dialogue(moderation_mode="post")
    post = contribute(dialogue, DOUBTFUL, email="carla@example.org")
    dialogue_actions.confirm_email(contribution=post)
    mail.outbox.clear()
    assert DOUBTFUL in client.get(f"/d/{dialogue.slug}/").content.decode()

    staff = Client()
    signed_in(staff, alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"/staff/moderation/{post.pk}/decide/",
            {"decision": "hold", "note": "Mulig injurie; spørger juristen."},
        )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == PostStatus.HELD
    assert DOUBTFUL not in client.get(f"/d/{dialogue.slug}/").content.decode()
    hold = Decision.objects.get(contribution=post)
    assert (hold.kind, hold.moderator, hold.note) == (
        DecisionKind.HOLD,
        alice,
        "Mulig injurie; spørger juristen.",
    )
    entry = ArchiveEntry.objects.get(kind=EntryKind.DECISION, subject_id=post.pk)
    assert '"decision_kind":"hold"' in entry.canonical
    assert mail.outbox == []  # nothing is decided yet, so the author is not told
    assert [item.pk for item in staff.get("/staff/moderation/").context["items"]] == [post.pk]

    # Another moderator decides later; the author hears of that decision.
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve_contribution(contribution=post, moderator=moritz, note="Ok ifølge jurist")
    post.refresh_from_db()
    assert post.status == PostStatus.APPROVED
    assert DOUBTFUL in client.get(f"/d/{dialogue.slug}/").content.decode()
    assert [m.to for m in mail.outbox] == [["carla@example.org"]]


def test_a_hold_needs_a_reason_and_is_not_counted_as_a_decision(
    client: Client,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    alice: User,
    signed_in: Any,
) -> None:
    post = contribute(open_dialogue, DOUBTFUL)
    signed_in(client, alice)
    refused = client.post(f"/staff/moderation/{post.pk}/decide/", {"decision": "hold"})
    assert refused.status_code == 400
    assert "Say why you hold it" in refused.content.decode()
    post.refresh_from_db()
    assert post.status == PostStatus.PENDING and not Decision.objects.exists()

    actions.hold_post(post=post, moderator=alice, note="Tjekker fakta")
    page = Client().get("/transparency/").content.decode()
    assert "Held for a closer look" not in page
