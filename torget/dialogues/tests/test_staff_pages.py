"""Dialogue owners create, edit, schedule and close dialogues; others may not."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from torget.accounts.models import User
from torget.dialogues.models import Dialogue, DialogueEvent, DialogueState

SignIn = Callable[[Client, User], Client]


def mission_card_form(committee_pk: int, **overrides: Any) -> dict[str, Any]:
    now = timezone.localtime()
    data = {
        "title": "Hundeskov i Østerbyen",
        "slug": "hundeskov",
        "assignment": "Skal der være en hundeskov?",
        "commissioned_by": committee_pk,
        "participation_level": "consult",
        "open_to_influence": "Placeringen.",
        "not_open_to_influence": "",
        "input_handling": "Indlæggene indgår i sagen.",
        "opens_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
        "feedback_due": (now + timedelta(days=40)).strftime("%Y-%m-%d"),
        "case_number": "",
        "moderation_mode": "pre",
    }
    data.update(overrides)
    return data


def test_a_dialogue_owner_creates_a_draft_then_schedules_it(
    client: Client, olga: User, committee: Any, signed_in: SignIn
) -> None:
    signed_in(client, olga)
    response = client.post("/staff/dialogues/new/", mission_card_form(committee.pk))
    assert response.status_code == 302
    dialogue = Dialogue.objects.get(slug="hundeskov")
    assert dialogue.state == DialogueState.DRAFT
    assert dialogue.owner == olga

    client.post(f"/staff/dialogues/{dialogue.pk}/schedule/")
    dialogue.refresh_from_db()
    assert dialogue.state == DialogueState.SCHEDULED
    assert client.get(f"/d/{dialogue.slug}/").status_code == 200


def test_the_mission_card_must_close_after_it_opens(
    client: Client, olga: User, committee: Any, signed_in: SignIn
) -> None:
    signed_in(client, olga)
    now = timezone.localtime()
    data = mission_card_form(
        committee.pk,
        closes_at=(now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    )
    response = client.post("/staff/dialogues/new/", data)
    assert response.status_code == 400
    assert "must close after it opens" in response.content.decode()
    assert not Dialogue.objects.exists()


def test_editing_through_the_form_is_recorded(
    client: Client, olga: User, open_dialogue: Dialogue, signed_in: SignIn
) -> None:
    signed_in(client, olga)
    page = client.get(f"/staff/dialogues/{open_dialogue.pk}/edit/")
    assert page.status_code == 200
    data = mission_card_form(
        open_dialogue.commissioned_by_id,
        slug=open_dialogue.slug,
        title="Ændret titel",
        opens_at=timezone.localtime(open_dialogue.opens_at).strftime("%Y-%m-%dT%H:%M"),
    )
    response = client.post(f"/staff/dialogues/{open_dialogue.pk}/edit/", data)
    assert response.status_code == 302
    open_dialogue.refresh_from_db()
    assert open_dialogue.title == "Ændret titel"
    edit = DialogueEvent.objects.get(dialogue=open_dialogue, kind="edited")
    assert edit.actor == olga
    assert edit.detail["changes"]["title"]["before"] == "Ny cykelsti langs Åvej"


def test_an_invalid_edit_changes_nothing(
    client: Client, olga: User, open_dialogue: Dialogue, signed_in: SignIn
) -> None:
    signed_in(client, olga)
    data = mission_card_form(open_dialogue.commissioned_by_id, slug=open_dialogue.slug, title="")
    assert client.post(f"/staff/dialogues/{open_dialogue.pk}/edit/", data).status_code == 400
    open_dialogue.refresh_from_db()
    assert open_dialogue.title == "Ny cykelsti langs Åvej"
    assert not DialogueEvent.objects.filter(kind="edited").exists()


def test_politicians_and_moderators_cannot_manage_dialogues(
    client: Client,
    bob: User,
    alice: User,
    open_dialogue: Dialogue,
    committee: Any,
    signed_in: SignIn,
) -> None:
    for person in (bob, alice):
        c = signed_in(Client(), person)
        assert c.get("/staff/dialogues/new/").status_code == 403
        assert c.post("/staff/dialogues/new/", mission_card_form(committee.pk)).status_code == 403
        assert c.post(f"/staff/dialogues/{open_dialogue.pk}/close/").status_code == 403
    open_dialogue.refresh_from_db()
    assert open_dialogue.state == DialogueState.OPEN
    assert Dialogue.objects.count() == 1


def test_an_impossible_step_is_explained_not_performed(
    client: Client, olga: User, open_dialogue: Dialogue, signed_in: SignIn
) -> None:
    signed_in(client, olga)
    response = client.post(f"/staff/dialogues/{open_dialogue.pk}/archive/", follow=True)
    assert "not possible for this dialogue" in response.content.decode()
    open_dialogue.refresh_from_db()
    assert open_dialogue.state == DialogueState.OPEN


def test_the_dashboard_lists_dialogues_whose_feedback_is_overdue(
    client: Client, olga: User, make_dialogue: Callable[..., Dialogue], signed_in: SignIn
) -> None:
    now = timezone.now()
    late = make_dialogue(
        slug="sen",
        title="Sen tilbagemelding",
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=20),
        feedback_due=(now - timedelta(days=2)).date(),
    )
    make_dialogue(slug="i-tide", title="I god tid")
    signed_in(client, olga)
    response = client.get("/staff/")
    overdue = [row["dialogue"].pk for row in response.context["overdue"]]
    assert overdue == [late.pk]


def test_a_new_dialogue_is_pre_moderated_unless_the_owner_chooses_otherwise(
    client: Client, olga: User, signed_in: SignIn
) -> None:
    signed_in(client, olga)
    page = client.get("/staff/dialogues/new/").content.decode()
    radios = {
        match["value"]: "checked" in match["attrs"]
        for match in re.finditer(
            r'<input(?P<attrs>[^>]*name="moderation_mode"[^>]*value="(?P<value>\w+)"[^>]*)>', page
        )
    }
    assert radios == {"pre": True, "post": False}


def test_the_overview_links_each_person_to_a_page_they_may_open(
    client: Client, olga: User, alice: User, open_dialogue: Dialogue, signed_in: Any
) -> None:
    staff_page = f'href="/staff/dialogues/{open_dialogue.pk}/"'
    public_page = f'href="/d/{open_dialogue.slug}/"'
    signed_in(client, olga)
    body = client.get("/staff/").content.decode()
    assert staff_page in body
    signed_in(client, alice)
    body = client.get("/staff/").content.decode()
    assert staff_page not in body and public_page in body
    assert client.get(f"/staff/dialogues/{open_dialogue.pk}/").status_code == 403
