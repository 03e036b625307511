"""A politician follows the dialogues their committees commissioned on their staff page:
the published contributions, the counts and the promised feedback date, nothing unpublished."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from torget.accounts.models import Committee, User
from torget.dialogues.actions import close_dialogue
from torget.dialogues.models import Dialogue, Post
from torget.dialogues.permissions import can_follow_committee_dialogues
from torget.dialogues.queries import committee_dialogues
from torget.moderation.actions import approve_contribution, reject_contribution

SignIn = Callable[[Client, User], Client]
HEADING = "Your committees&#x27; dialogues"


def committee_section(html: str) -> str:
    start = html.index('<section aria-labelledby="committee-heading">')
    return html[start : html.index("</section>", start)]


def titles_in(section: str) -> list[str]:
    return re.findall(r'<h3 id="committee-dialogue-\d+"[^>]*><a href="[^"]+">([^<]+)</a>', section)


def counts_in(section: str) -> list[tuple[int, int]]:
    """Per dialogue: (published contributions, contributions received)."""
    published = re.findall(r"<dt>Published contributions</dt><dd>(\d+)</dd>", section)
    received = re.findall(
        r"<dt>Contributions received, published or not</dt><dd>(\d+)</dd>", section
    )
    return [(int(p), int(r)) for p, r in zip(published, received, strict=True)]


@pytest.fixture
def followed(
    open_dialogue: Dialogue,
    make_dialogue: Callable[..., Dialogue],
    contribute: Callable[..., Post],
    committee: Committee,
    olga: User,
    alice: User,
    bob: User,
) -> dict[str, Dialogue]:
    """Bob sits on the committee behind the cycle path (two published contributions, one
    awaiting moderation, one rejected) and the closed school road dialogue, whose feedback is
    overdue; the budget belongs to another committee, and the dog park is still a draft."""
    bob.committees.add(committee)
    start = timezone.now() - timedelta(hours=5)
    for i, text in enumerate(["Linje B er tryggest.", "Husk belysningen."]):
        published = contribute(open_dialogue, text, now=start + timedelta(minutes=i))
        approve_contribution(contribution=published, moderator=alice)
    contribute(open_dialogue, "Venter stadig på en moderator.", now=start + timedelta(minutes=5))
    rejected = contribute(open_dialogue, "Afvist tekst.", now=start + timedelta(minutes=6))
    reject_contribution(contribution=rejected, moderator=alice, rule_codes=["ON_TOPIC"])
    school = make_dialogue(
        slug="skolevej",
        title="Trafik ved skolen",
        closes_at=timezone.now() + timedelta(days=2),
        feedback_due=timezone.localdate() - timedelta(days=1),
    )
    close_dialogue(dialogue=school, actor=olga)
    economy = Committee.objects.create(organisation=committee.organisation, name="Økonomiudvalget")
    budget = make_dialogue(slug="budget", title="Budget 2027", commissioned_by=economy)
    make_dialogue(slug="hundeskov", title="Hundeskov", schedule=False)
    return {"cycle": open_dialogue, "school": school, "budget": budget}


def test_a_politician_sees_their_committees_dialogues_with_counts_and_published_texts(
    client: Client, followed: dict[str, Dialogue], bob: User, signed_in: SignIn
) -> None:
    # Given Bob on the committee behind the cycle path and the school road
    # When he opens his staff page after signing in
    html = signed_in(client, bob).get("/staff/").content.decode()
    section = committee_section(html)
    # Then it lists exactly his committee's public dialogues, the latest closing first
    assert titles_in(section) == ["Ny cykelsti langs Åvej", "Trafik ved skolen"]
    assert 'href="/d/cykelsti/"' in section and 'href="/d/skolevej/"' in section
    # with the counts of published and of all contributions received
    assert counts_in(section) == [(2, 4), (0, 0)]
    # the published texts, newest first
    assert section.index("Husk belysningen.") < section.index("Linje B er tryggest.")
    # the school road's promised feedback date marked as overdue, and only that one
    assert section.count("– overdue") == 1
    school = section[section.index("Trafik ved skolen") :]
    assert "– overdue" in school
    # and no unpublished text anywhere on his page
    assert "Venter stadig på en moderator." not in html
    assert "Afvist tekst." not in html


def test_only_the_newest_few_are_shown_with_a_link_to_all(
    client: Client,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    committee: Committee,
    alice: User,
    bob: User,
    signed_in: SignIn,
) -> None:
    # Given five published contributions to a dialogue of Bob's committee
    bob.committees.add(committee)
    start = timezone.now() - timedelta(hours=5)
    for i in range(5):
        published = contribute(
            open_dialogue, f"Indlæg nummer {i}.", now=start + timedelta(minutes=i)
        )
        approve_contribution(contribution=published, moderator=alice)
    # When Bob opens his staff page
    section = committee_section(signed_in(client, bob).get("/staff/").content.decode())
    # Then he reads the three newest, and a link leads to all five on the public page
    shown = [f"Indlæg nummer {i}." for i in range(5) if f"Indlæg nummer {i}." in section]
    assert shown == ["Indlæg nummer 2.", "Indlæg nummer 3.", "Indlæg nummer 4."]
    assert section.index("nummer 4.") < section.index("nummer 3.") < section.index("nummer 2.")
    assert counts_in(section) == [(5, 5)]
    assert 'href="/d/cykelsti/#contributions-heading">All published contributions' in section


@pytest.mark.parametrize("dialogues", [1, 4])
def test_the_committee_dialogues_cost_two_queries_however_many(
    make_dialogue: Callable[..., Dialogue],
    contribute: Callable[..., Post],
    committee: Committee,
    alice: User,
    bob: User,
    django_assert_num_queries: Callable[..., object],
    dialogues: int,
) -> None:
    # Given several dialogues of Bob's committee, each with published and waiting contributions
    bob.committees.add(committee)
    for n in range(dialogues):
        dialogue = make_dialogue(slug=f"dialog-{n}", title=f"Dialog {n}")
        for i in range(4):
            contribution = contribute(dialogue, f"Indlæg {n}.{i}")
            if i % 2 == 0:
                approve_contribution(contribution=contribution, moderator=alice)
    bob = User.objects.get(pk=bob.pk)
    # When his dialogues are read: the dialogues with their counts, then the newest published
    with django_assert_num_queries(2):  # type: ignore[attr-defined]
        rows = committee_dialogues(bob, committee.organisation, timezone.localdate())
        texts = [[c.text for c in row.latest_published] for row in rows]
    # Then every dialogue comes with its counts and only its published texts
    assert [(row.published_count, row.received_count) for row in rows] == [(2, 4)] * dialogues
    assert sorted(texts) == sorted([[f"Indlæg {n}.2", f"Indlæg {n}.0"] for n in range(dialogues)])


def test_a_politician_off_the_committee_does_not_see_its_dialogues(
    client: Client, followed: dict[str, Dialogue], vera: User, signed_in: SignIn
) -> None:
    # Given Vera, a politician on another committee only
    vera.committees.add(followed["budget"].commissioned_by)
    # When she opens her staff page
    section = committee_section(signed_in(client, vera).get("/staff/").content.decode())
    # Then she sees her committee's dialogue and none of Bob's committee's, nor their texts
    assert titles_in(section) == ["Budget 2027"]
    assert "Husk belysningen." not in section


def test_a_politician_on_no_committee_is_told_so(
    client: Client, followed: dict[str, Dialogue], vera: User, signed_in: SignIn
) -> None:
    section = committee_section(signed_in(client, vera).get("/staff/").content.decode())
    assert titles_in(section) == []
    assert "No dialogue has been commissioned by a committee you sit on." in section


@pytest.mark.parametrize("who", ["olga", "alice", "adam", "rita"])
def test_other_staff_dashboards_have_no_committee_section(
    client: Client,
    followed: dict[str, Dialogue],
    signed_in: SignIn,
    request: pytest.FixtureRequest,
    who: str,
) -> None:
    # Given a member of staff who is not a politician (even on the committee)
    person: User = request.getfixturevalue(who)
    person.committees.add(followed["cycle"].commissioned_by)
    # When they open the staff overview
    html = signed_in(client, person).get("/staff/").content.decode()
    # Then it is the overview as before: no committee section, the usual sections
    assert HEADING not in html and 'aria-labelledby="committee-heading"' not in html
    assert 'id="overdue-heading"' in html and 'id="dialogues-heading"' in html


@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("bob", True),
        ("vera", True),
        ("olga", False),
        ("alice", False),
        ("adam", False),
        ("rita", False),
    ],
)
def test_only_politicians_follow_committee_dialogues(
    request: pytest.FixtureRequest, who: str, may: bool
) -> None:
    assert can_follow_committee_dialogues(request.getfixturevalue(who)) is may
    assert can_follow_committee_dialogues(AnonymousUser()) is False
