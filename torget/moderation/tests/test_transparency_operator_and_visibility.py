"""The transparency page says who runs the service and how posts become visible, from the
moderation mode of each dialogue open for contributions (BBS-lagen § 3 in Sweden)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from torget.accounts.models import Organisation
from torget.dialogues.models import Dialogue, ModerationMode

PRE = "Pre-moderation: an official reads each contribution first."
POST = "Post-moderation: a contribution is visible to everyone at once"
NATIONAL_ID = "is held back until an official has read it, in every dialogue"
BBS_3 = "section 3 of the Swedish Act on Responsibility for Electronic Bulletin Boards"


def test_the_operator_and_each_open_dialogues_mode_are_shown(
    client: Client, organisation: Organisation, make_dialogue: Callable[..., Dialogue]
) -> None:
    # Given Testby Kommune with its address, a pre-moderated open dialogue, a post-moderated
    # one opening next week, and a draft,
    organisation.address = "Rådhuspladsen 1\n9999 Testby"
    organisation.website = "https://testby.example"
    organisation.save()
    now = timezone.now()
    make_dialogue(slug="cykelsti", title="Ny cykelsti", moderation_mode=ModerationMode.PRE)
    make_dialogue(
        slug="bibliotek",
        title="Fremtidens bibliotek",
        moderation_mode=ModerationMode.POST,
        opens_at=now + timedelta(days=7),
        closes_at=now + timedelta(days=30),
    )
    make_dialogue(schedule=False, slug="kladde", title="Hemmelig kladde")

    # when anyone opens the transparency page,
    page = client.get("/transparency/").content.decode()

    # then it names the authority and how to reach it,
    assert "Testby Kommune" in page
    assert "Rådhuspladsen 1\n9999 Testby" in page
    assert 'href="mailto:dialog@testby.example"' in page
    assert "https://testby.example" in page
    # lists each dialogue taking contributions with how its posts become visible,
    assert "Ny cykelsti</a>: Pre-moderation: contributions appear after approval" in page
    assert (
        "Fremtidens bibliotek</a>: Post-moderation: contributions appear at once and are "
        "reviewed after" in page
    )
    assert "Hemmelig kladde" not in page
    assert PRE in page and POST in page
    # and says that a post with a national ID number is always held.
    assert NATIONAL_ID in page
    # Testby is Danish: the Swedish act is not cited.
    assert BBS_3 not in page


def test_only_the_modes_in_use_are_explained(
    client: Client, make_dialogue: Callable[..., Dialogue]
) -> None:
    # Given only a pre-moderated dialogue,
    make_dialogue(moderation_mode=ModerationMode.PRE)
    # when the page is opened, then post-moderation is not described.
    page = client.get("/transparency/").content.decode()
    assert PRE in page
    assert POST not in page
    assert NATIONAL_ID in page


def test_with_no_dialogue_open_both_modes_are_explained(
    client: Client, organisation: Organisation
) -> None:
    page = client.get("/transparency/").content.decode()
    assert "No dialogue is open for contributions right now." in page
    assert PRE in page and POST in page


def test_a_swedish_authority_cites_bbs_lagen_section_3(
    client: Client, organisation: Organisation
) -> None:
    # Given the authority is Swedish,
    organisation.country = "SE"
    organisation.time_zone = "Europe/Stockholm"
    organisation.save()
    # when the page is opened, then the information is given as BBS-lagen § 3 requires.
    page = client.get("/transparency/").content.decode()
    assert BBS_3 in page
    assert "Testby Kommune" in page
