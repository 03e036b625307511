"""After the feedback report is published, the dialogue owner archives the dialogue: the last
step of the lifecycle, recorded with who did it, and the dialogue with its report stays public
(every post is a public record)."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from torget.accounts.models import User
from torget.dialogues import actions
from torget.dialogues.models import Dialogue, DialogueEvent, DialogueState, Post
from torget.moderation.actions import approve_contribution

SignIn = Callable[[Client, User], Client]


def test_the_owner_archives_a_dialogue_whose_feedback_is_published(
    client: Client,
    olga: User,
    alice: User,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    signed_in: SignIn,
) -> None:
    approve_contribution(
        contribution=contribute(open_dialogue, "Linjeføring B er tryggest."), moderator=alice
    )
    actions.close_dialogue(dialogue=open_dialogue, actor=olga)
    report = actions.save_feedback_report(
        dialogue=open_dialogue,
        author=olga,
        what_came_in="Et indlæg.",
        how_it_was_used="Udvalget læste det.",
        what_was_decided="Linjeføring B blev valgt.",
    )
    actions.publish_feedback_report(report=report, actor=olga)

    signed_in(client, olga)
    response = client.post(f"/staff/dialogues/{open_dialogue.pk}/archive/")

    assert response.status_code == 302
    open_dialogue.refresh_from_db()
    assert open_dialogue.state == DialogueState.ARCHIVED
    last = DialogueEvent.objects.filter(dialogue=open_dialogue).order_by("pk").last()
    assert last is not None
    assert (last.from_state, last.to_state, last.actor) == (
        DialogueState.FEEDBACK_PUBLISHED,
        DialogueState.ARCHIVED,
        olga,
    )
    page = Client().get(f"/d/{open_dialogue.slug}/").content.decode()
    assert "Linjeføring B blev valgt." in page
    assert "Linjeføring B er tryggest." in page
    # Archived is the end of the line: nothing further is offered or possible.
    again = client.post(f"/staff/dialogues/{open_dialogue.pk}/archive/", follow=True)
    assert "not possible for this dialogue" in again.content.decode()
    assert DialogueEvent.objects.filter(dialogue=open_dialogue).order_by("pk").last() == last


def test_a_politician_cannot_archive(
    client: Client, bob: User, open_dialogue: Dialogue, signed_in: SignIn
) -> None:
    signed_in(client, bob)
    assert client.post(f"/staff/dialogues/{open_dialogue.pk}/archive/").status_code == 403
    open_dialogue.refresh_from_db()
    assert open_dialogue.state == DialogueState.OPEN
