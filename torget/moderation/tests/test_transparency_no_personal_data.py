"""The transparency page publishes counts only: nothing on it names or quotes a citizen, and
nothing names an official or repeats a moderator's note."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from torget.accounts.models import User
from torget.dialogues.models import Dialogue, Post
from torget.moderation.actions import refer_contribution, reject_contribution
from torget.moderation.tests.html_tables import title


def test_no_text_name_note_or_reference_reaches_the_page(
    client: Client,
    alice: User,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
) -> None:
    # Given Carla's contribution, rejected by Alice with a note, and another one referred,
    carla = contribute(
        open_dialogue,
        "Min nabo Jens Jensen på Åvej 14 kører altid for stærkt.",
        display_name="Carla Christensen",
        email="carla@example.org",
    )
    reject_contribution(
        contribution=carla,
        moderator=alice,
        rule_codes=["IRRELEVANT_PERSONAL"],
        note="Navngiver en nabo; intern vurdering 4711.",
    )
    dennis = contribute(open_dialogue, "Hvornår bliver min vej fejet?", display_name="Dennis D.")
    refer_contribution(contribution=dennis, moderator=alice, note="Vejfejning er en servicesag.")

    # when anyone opens the transparency page,
    response = client.get("/transparency/")
    page = response.content.decode()

    # then the decisions are counted,
    assert response.status_code == 200
    assert title("IRRELEVANT_PERSONAL") in page
    # but no text, name, e-mail, note or reference of either contribution is on it.
    for private in (
        carla.text,
        "Jens Jensen",
        "Carla Christensen",
        "carla@example.org",
        carla.reference,
        dennis.text,
        "Dennis D.",
        dennis.reference,
        "Navngiver en nabo",
        "4711",
        "Vejfejning er en servicesag.",
        alice.first_name,
        alice.username,
    ):
        assert private not in page, private
