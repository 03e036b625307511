"""The author asks for a review from the link in the decision notice: the request is stored,
archived, holds the material from disposal and shows up for the moderators. One review per
decision; a forged or broken link stores nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core import mail
from django.test import Client

from torget.accounts.models import User
from torget.archive.models import ArchiveContent, ArchiveEntry, EntryKind, Hold, HoldReason
from torget.dialogues.models import Post
from torget.moderation import actions
from torget.moderation.models import ReviewRequest
from torget.moderation.tests.conftest import CARLA, decision_notice

StaffAs = Callable[[User], Client]


def test_the_notice_links_to_a_review_request_instead_of_an_address(
    rejected: Post, review_path: str
) -> None:
    assert "ask for a review" in decision_notice()
    assert review_path.startswith("/rules/review/")


def test_the_author_asks_for_a_review_and_it_is_registered(
    client: Client, rejected: Post, review_path: str
) -> None:
    # Given the link from the notice
    page = client.get(review_path)
    assert page.status_code == 200
    assert rejected.reference in page.content.decode()
    assert "Send my request for review" in page.content.decode()

    # When Carla writes why
    response = client.post(review_path, {"reason": "Det var satire, ikke et angreb."}, follow=True)

    # Then the request is stored, the page says so, and a second visit shows the state
    assert response.status_code == 200
    assert "Your request for a review is registered." in response.content.decode()
    review = ReviewRequest.objects.get()
    assert review.decision == rejected.decisions.get()
    assert review.reason == "Det var satire, ikke et angreb."
    assert review.is_pending

    # and it is archived with her words as content, and holds the contribution from disposal
    entry = ArchiveEntry.objects.get(kind=EntryKind.REVIEW_REQUESTED)
    assert (entry.subject_type, entry.subject_id) == ("contribution", rejected.pk)
    assert entry.actor is None
    assert "satire" in ArchiveContent.objects.get(entry=entry).body
    hold = Hold.objects.get(reason=HoldReason.REVIEW)
    assert review.hold == hold
    assert (hold.subject_type, hold.subject_id, hold.released_at) == (
        "contribution",
        rejected.pk,
        None,
    )


def test_a_second_request_gets_a_clear_answer_and_stores_nothing(
    client: Client, rejected: Post, review_path: str
) -> None:
    client.post(review_path, {"reason": "Første gang."})
    response = client.post(review_path, {"reason": "Anden gang."})
    assert response.status_code == 409
    assert "Each decision is reviewed once" in response.content.decode()
    assert ReviewRequest.objects.count() == 1
    assert ReviewRequest.objects.get().reason == "Første gang."
    assert ArchiveEntry.objects.filter(kind=EntryKind.REVIEW_REQUESTED).count() == 1


def test_a_request_without_a_reason_is_refused_with_an_error_summary(
    client: Client, rejected: Post, review_path: str
) -> None:
    response = client.post(review_path, {"reason": "  "})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Please correct the following" in body
    assert "Please write why you ask for a review." in body
    assert not ReviewRequest.objects.exists()


def test_a_forged_link_stores_nothing(client: Client, rejected: Post, review_path: str) -> None:
    forged = review_path[:-3] + "xx/"
    response = client.post(forged, {"reason": "Jeg prøver."})
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert not ReviewRequest.objects.exists()


def test_the_request_appears_in_the_moderation_queue(
    client: Client,
    moritz: User,
    rejected: Post,
    review_path: str,
    staff_as: StaffAs,
) -> None:
    client.post(review_path, {"reason": "Det var satire."})
    review = ReviewRequest.objects.get()
    staff = staff_as(moritz)
    queue = staff.get("/staff/moderation/").content.decode()
    assert f"/staff/moderation/reviews/{review.pk}/" in queue
    assert "Requests for review (1 awaits a decision)" in queue
    listing = staff.get("/staff/moderation/reviews/").content.decode()
    assert rejected.reference in listing


def test_an_approval_carries_no_review_link(
    alice: User, carlas: Post, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve_contribution(contribution=carlas, moderator=alice)
    notice = next(m for m in mail.outbox if m.to == [CARLA])
    assert "/rules/review/" not in notice.body
