"""Input received outside Torget -- at a citizens' meeting, by letter, by telephone -- is typed
in by staff and then screened, moderated, archived and fed back like any contribution."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core import mail
from django.test import Client
from django.utils import timezone

from torget.accounts.models import User
from torget.archive.models import ArchiveEntry, Channel, EntryKind
from torget.dialogues import actions as dialogue_actions
from torget.dialogues.models import Dialogue, FeedbackReport, Post, PostChannel, PostStatus
from torget.moderation import actions as moderation_actions
from torget.moderation import intake

SignIn = Callable[[Client, User], Client]
LETTER = "Jeg har boet på Åvej i 40 år. Linjeføring B tager min have; vælg A."


def _form(**overrides: str) -> dict[str, str]:
    values = {
        "received_via": "letter",
        "received_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "display_name": "Erik, Åvej",
        "text": LETTER,
        "email": "",
    }
    values.update(overrides)
    return values


def test_a_letter_typed_in_is_stored_archived_and_waits_for_moderation(
    client: Client, olga: User, alice: User, open_dialogue: Dialogue, signed_in: SignIn
) -> None:
    signed_in(client, olga)
    response = client.post(f"/staff/dialogues/{open_dialogue.pk}/offline/", _form())
    assert response.status_code == 302
    post = Post.objects.get(dialogue=open_dialogue)
    assert post.channel == PostChannel.OFFLINE
    assert (post.received_via, post.entered_by, post.text) == ("letter", olga, LETTER)
    assert post.received_on == timezone.localdate() - timedelta(days=2)
    assert post.status == PostStatus.PENDING
    assert post.submission_token is None
    entry = ArchiveEntry.objects.get(kind=EntryKind.CONTRIBUTION_RECEIVED, subject_id=post.pk)
    assert (entry.actor, entry.channel, entry.subject_ref) == (olga, Channel.STAFF, post.reference)
    assert '"received_via":"letter"' in entry.canonical
    assert '"post_channel":"offline"' in entry.canonical
    assert LETTER in entry.content.body

    signed_in(client, alice)
    queue = client.get("/staff/moderation/")
    assert [item.pk for item in queue.context["items"]] == [post.pk]
    assert "typed in by Olga" in queue.content.decode()


def test_once_approved_it_is_shown_with_how_and_when_it_was_received(
    client: Client, olga: User, alice: User, open_dialogue: Dialogue
) -> None:
    post = intake.enter_offline_input(
        dialogue=open_dialogue,
        entered_by=olga,
        received_via="meeting",  # type: ignore[arg-type]
        received_on=timezone.localdate(),
        display_name="Deltager ved borgermødet",
        text="Husk belysning ved skolen.",
        email="",
    )
    assert "Husk belysning" not in client.get(f"/d/{open_dialogue.slug}/").content.decode()
    moderation_actions.approve_contribution(contribution=post, moderator=alice)
    page = client.get(f"/d/{open_dialogue.slug}/").content.decode()
    assert "Husk belysning ved skolen." in page
    assert "At a citizens&#x27; meeting" in page or "At a citizens' meeting" in page


def test_an_address_given_is_asked_to_confirm_and_then_hears_of_the_feedback(
    olga: User,
    open_dialogue: Dialogue,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post = intake.enter_offline_input(
            dialogue=open_dialogue,
            entered_by=olga,
            received_via="phone",  # type: ignore[arg-type]
            received_on=timezone.localdate(),
            display_name="Erik",
            text="Ring gerne tilbage om stien.",
            email="erik@example.org",
        )
    assert [m.to for m in mail.outbox] == [["erik@example.org"]]
    assert "/confirm-email/" in str(mail.outbox[0].body)
    dialogue_actions.confirm_email(contribution=post)
    mail.outbox.clear()
    dialogue_actions.close_dialogue(dialogue=open_dialogue, actor=olga)
    report = dialogue_actions.save_feedback_report(
        dialogue=open_dialogue,
        author=olga,
        what_came_in="Et brev og et opkald.",
        how_it_was_used="Indgik i notatet.",
        what_was_decided="Linjeføring A.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        notified = dialogue_actions.publish_feedback_report(report=report, actor=olga)
    assert notified == 1
    assert [m.to for m in mail.outbox] == [["erik@example.org"]]
    assert FeedbackReport.objects.get(pk=report.pk).notices.count() == 1


def test_no_text_or_a_date_in_the_future_is_refused_and_nothing_is_stored(
    client: Client, olga: User, open_dialogue: Dialogue, signed_in: SignIn
) -> None:
    signed_in(client, olga)
    url = f"/staff/dialogues/{open_dialogue.pk}/offline/"
    empty = client.post(url, _form(text="   "))
    assert empty.status_code == 400
    assert "This field is required." in empty.content.decode()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    future = client.post(url, _form(received_on=tomorrow))
    assert future.status_code == 400
    assert "The date cannot be in the future" in future.content.decode()
    assert not Post.objects.exists()
    assert not ArchiveEntry.objects.filter(kind=EntryKind.CONTRIBUTION_RECEIVED).exists()


def test_the_danish_page_explains_a_future_date_in_danish(
    olga: User, open_dialogue: Dialogue, signed_in: SignIn
) -> None:
    danish = Client()
    danish.cookies["torget_language"] = "da"
    signed_in(danish, olga)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = danish.post(
        f"/staff/dialogues/{open_dialogue.pk}/offline/", _form(received_on=tomorrow)
    )
    assert response.status_code == 400
    assert "Datoen kan ikke ligge i fremtiden" in response.content.decode()


def test_only_dialogue_owners_and_administrators_type_in_input(
    client: Client, bob: User, alice: User, open_dialogue: Dialogue, signed_in: SignIn
) -> None:
    url = f"/staff/dialogues/{open_dialogue.pk}/offline/"
    for person in (bob, alice):
        signed_in(client, person)
        assert client.post(url, _form()).status_code == 403
    assert not Post.objects.exists()


def test_no_input_is_typed_in_to_a_dialogue_still_in_draft(
    client: Client,
    olga: User,
    make_dialogue: Callable[..., Dialogue],
    signed_in: SignIn,
) -> None:
    draft = make_dialogue(schedule=False)
    signed_in(client, olga)
    assert client.get(f"/staff/dialogues/{draft.pk}/offline/").status_code == 403
