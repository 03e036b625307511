"""A dialogue owner making a chat's panel is offered the commissioning committee's members
first; the panel may still include any politician."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from torget.accounts.models import Committee, Party, Role, User
from torget.conftest import make_person
from torget.dialogues.models import Dialogue
from torget.livechat import actions
from torget.livechat.models import ChatSession

SignIn = Callable[[Client, User], Client]


def panel_groups(html: str) -> list[tuple[str, list[str]]]:
    """The panel's choices as shown: each group's legend with the names under it in order
    (one group named "" when the choices are not grouped)."""
    start = html.index('<div id="id_panel">')
    end = html.index("</div></fieldset>", start)
    groups: list[tuple[str, list[str]]] = []
    for legend, name in re.findall(
        r"<legend>([^<]*)</legend>|<input[^>]*name=\"panel\"[^>]*>\s*([^<]*)</label>",
        html[start:end],
    ):
        if legend:
            groups.append((legend, []))
        else:
            if not groups:
                groups.append(("", []))
            groups[-1][1].append(name.strip())
    return groups


def test_committee_members_are_offered_first_on_a_new_chat(
    client: Client,
    open_dialogue: Dialogue,
    committee: Committee,
    olga: User,
    bob: User,
    vera: User,
    signed_in: SignIn,
) -> None:
    # Given Bob (Socialdemokratiet) and Vagn (Venstre) on the committee that commissioned the
    # dialogue, and Vera (Venstre) on another
    vagn = make_person(open_dialogue.organisation, "vagn", Role.POLITICIAN, with_device=False)
    vagn.party = Party.objects.get(name="Venstre")
    vagn.save(update_fields=["party"])
    bob.committees.add(committee)
    vagn.committees.add(committee)
    vera.committees.add(Committee.objects.create(organisation=committee.organisation, name="Ø"))
    # When Olga opens the form for a new live chat
    page = signed_in(client, olga).get(f"/staff/dialogues/{open_dialogue.pk}/chats/new/")
    # Then the committee's members come first, each group in party order
    assert page.status_code == 200
    assert panel_groups(page.content.decode()) == [
        ("Members of Teknik- og Miljøudvalget", ["Bob (Socialdemokratiet)", "Vagn (Venstre)"]),
        ("Other politicians", ["Vera (Venstre)"]),
    ]


def test_the_panel_may_include_politicians_off_the_committee(
    client: Client,
    open_dialogue: Dialogue,
    committee: Committee,
    olga: User,
    alice: User,
    bob: User,
    vera: User,
    signed_in: SignIn,
) -> None:
    # Given only Bob on the commissioning committee
    bob.committees.add(committee)
    now = timezone.localtime()
    # When Olga seats Vera, who is not on it, beside him
    response = signed_in(client, olga).post(
        f"/staff/dialogues/{open_dialogue.pk}/chats/new/",
        {
            "title": "Spørgetime",
            "slug": "spoergetime",
            "description": "",
            "opens_at": (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "question_max_length": "300",
            "moderators": [str(alice.pk)],
            "panel": [str(vera.pk), str(bob.pk)],
        },
    )
    # Then the chat is made with both on the panel
    assert response.status_code == 302
    chat = ChatSession.objects.get()
    assert {seat.politician for seat in actions.seated(chat)} == {bob, vera}


def test_editing_a_chat_groups_its_panel_and_keeps_the_seats_ticked(
    client: Client,
    chat: ChatSession,
    committee: Committee,
    olga: User,
    bob: User,
    vera: User,
    signed_in: SignIn,
) -> None:
    # Given a chat with Bob and Vera on the panel, and Vera on the commissioning committee
    vera.committees.add(committee)
    # When Olga edits the chat
    html = signed_in(client, olga).get(f"/staff/chats/{chat.pk}/").content.decode()
    # Then Vera is offered first, Bob after her, and both stay ticked
    assert panel_groups(html) == [
        ("Members of Teknik- og Miljøudvalget", ["Vera (Venstre)"]),
        ("Other politicians", ["Bob (Socialdemokratiet)"]),
    ]
    ticked = re.findall(r'<input type="checkbox" name="panel" value="(\d+)"[^>]*checked', html)
    assert sorted(int(pk) for pk in ticked) == sorted([bob.pk, vera.pk])


def test_without_committee_members_the_panel_is_one_list(
    client: Client, open_dialogue: Dialogue, olga: User, bob: User, vera: User, signed_in: SignIn
) -> None:
    # Given no politician on the commissioning committee
    # When Olga opens the form for a new live chat
    html = signed_in(client, olga).get(f"/staff/dialogues/{open_dialogue.pk}/chats/new/")
    # Then the politicians are one list in party order, as before
    assert panel_groups(html.content.decode()) == [
        ("", ["Bob (Socialdemokratiet)", "Vera (Venstre)"])
    ]
