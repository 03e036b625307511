"""The moderator reaches reviews, blocks and threats from the queue: links on the queue and
on each item, a contribution page with every step taken and the next ones, and a search by
reference for contributions that have left the queue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from torget.accounts.models import User
from torget.dialogues.models import Dialogue, Post
from torget.moderation import actions
from torget.moderation.models import BlockScope

StaffAs = Callable[[User], Client]


def test_the_queue_links_to_the_casework_and_each_items_further_steps(
    alice: User, carlas: Post, staff_as: StaffAs
) -> None:
    queue = staff_as(alice).get("/staff/moderation/").content.decode()
    for link in (
        "/staff/moderation/reviews/",
        "/staff/moderation/blocks/",
        "/staff/moderation/threats/",
        "/staff/moderation/find/",
        f"/staff/moderation/{carlas.pk}/",
    ):
        assert f'"{link}' in queue, link


def test_a_decided_contribution_is_found_by_its_reference(
    alice: User, rejected: Post, staff_as: StaffAs
) -> None:
    staff = staff_as(alice)
    found = staff.get("/staff/moderation/find/", {"reference": rejected.reference.lower()})
    assert found.status_code == 302
    assert found["Location"] == f"/staff/moderation/{rejected.pk}/"
    missing = staff.get("/staff/moderation/find/", {"reference": "T-NONE-NONE"}, follow=True)
    assert "No contribution has the reference T-NONE-NONE." in missing.content.decode()


def test_the_contribution_page_shows_its_history_and_next_steps(
    alice: User, bob: User, rejected: Post, staff_as: StaffAs
) -> None:
    actions.mark_threat(contribution=rejected, politician=bob, moderator=alice)
    page = staff_as(alice).get(f"/staff/moderation/{rejected.pk}/").content.decode()
    assert "Borgmesteren er en " in page
    assert "Skældsord." in page  # the decision's note
    assert "A threat against Bob" in page
    assert f"/staff/moderation/{rejected.pk}/block/" in page
    assert f"/staff/moderation/{rejected.pk}/threat/" in page


def test_an_author_without_a_confirmed_address_is_not_offered_for_blocking(
    alice: User, open_dialogue: Dialogue, contribute: Callable[..., Post], staff_as: StaffAs
) -> None:
    contribution = contribute(open_dialogue, "Anonymt.")
    page = staff_as(alice).get(f"/staff/moderation/{contribution.pk}/").content.decode()
    assert f"/staff/moderation/{contribution.pk}/block/" not in page
    assert "cannot be blocked" in page


def test_the_lift_page_shows_the_block_it_lifts(
    alice: User, rejected: Post, staff_as: StaffAs
) -> None:
    block = actions.impose_block(
        contribution=rejected,
        moderator=alice,
        scope=BlockScope.DIALOGUE,
        rule_codes=["RESPECT"],
        reasons="Gentagne personangreb.",
        ends_at=timezone.now() + timedelta(days=5),
        restoration="Af sig selv.",
        complaint="Til dialog@testby.example.",
    )
    page = staff_as(alice).get(f"/staff/moderation/blocks/{block.pk}/lift/")
    body = page.content.decode()
    assert rejected.reference in body
    assert "Gentagne personangreb." in body
    assert rejected.dialogue.title in body


def test_other_authorities_contributions_are_not_found(
    alice: User, staff_as: StaffAs, rejected: Post
) -> None:
    staff = staff_as(alice)
    assert staff.get("/staff/moderation/999999/").status_code == 404
    assert staff.get("/staff/moderation/reviews/999999/").status_code == 404
    assert staff.get("/staff/moderation/blocks/999999/lift/").status_code == 404
