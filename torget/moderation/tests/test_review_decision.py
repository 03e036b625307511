"""A moderator who did not make the decision decides the review: upholding keeps it, while
overturning publishes the contribution through a new decision. The old decision is never
edited; the outcome is archived, the hold released and the author told after commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from torget.accounts.models import User
from torget.archive.models import ArchiveEntry, EntryKind, Hold
from torget.dialogues.models import Post, PostStatus
from torget.moderation import actions
from torget.moderation.models import Decision, DecisionKind, ReviewOutcome, ReviewRequest
from torget.moderation.tests.conftest import CARLA

StaffAs = Callable[[User], Client]


@pytest.fixture
def review(client: Client, rejected: Post, review_path: str) -> ReviewRequest:
    client.post(review_path, {"reason": "Det var satire, ikke et angreb."})
    mail.outbox.clear()
    return ReviewRequest.objects.get()


def _decide(staff: Client, review: ReviewRequest, outcome: str, note: str) -> Any:
    return staff.post(f"/staff/moderation/reviews/{review.pk}/", {"outcome": outcome, "note": note})


def test_the_moderator_who_decided_cannot_review(
    alice: User, review: ReviewRequest, staff_as: StaffAs
) -> None:
    staff = staff_as(alice)
    page = staff.get(f"/staff/moderation/reviews/{review.pk}/").content.decode()
    assert "You made this decision, so you cannot review it." in page
    assert 'name="outcome"' not in page

    response = _decide(staff, review, "overturned", "Jeg har ombestemt mig.")

    assert response.status_code == 403
    assert "Another moderator must decide the review." in response.content.decode()
    review.refresh_from_db()
    assert review.is_pending
    assert Decision.objects.count() == 1
    assert not ArchiveEntry.objects.filter(kind=EntryKind.REVIEW_DECIDED).exists()


def test_the_action_itself_refuses_the_same_moderator(alice: User, review: ReviewRequest) -> None:
    with pytest.raises(actions.OwnDecision):
        actions.decide_review(
            review=review, moderator=alice, outcome=ReviewOutcome.UPHELD, note="Står ved det."
        )


def test_overturning_publishes_through_a_new_decision_and_tells_the_author(
    moritz: User,
    review: ReviewRequest,
    rejected: Post,
    staff_as: StaffAs,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = Decision.objects.get()
    staff = staff_as(moritz)

    with django_capture_on_commit_callbacks(execute=True):
        response = _decide(staff, review, "overturned", "Skarp kritik, men intet skældsord.")

    assert response.status_code == 302
    # The reviewed decision is exactly as it was made ...
    first_again = Decision.objects.get(pk=first.pk)
    assert (first_again.kind, first_again.moderator_id, first_again.note) == (
        DecisionKind.REJECT,
        first.moderator_id,
        "Skældsord.",
    )
    # ... and a new one by Moritz publishes the contribution.
    new = Decision.objects.exclude(pk=first.pk).get()
    assert (new.kind, new.moderator) == (DecisionKind.APPROVE, moritz)
    rejected.refresh_from_db()
    assert rejected.status == PostStatus.APPROVED
    review.refresh_from_db()
    assert (review.outcome, review.decided_by, review.new_decision) == (
        ReviewOutcome.OVERTURNED,
        moritz,
        new,
    )

    decided = ArchiveEntry.objects.get(kind=EntryKind.REVIEW_DECIDED)
    assert decided.actor == moritz
    assert '"outcome":"overturned"' in decided.canonical
    assert ArchiveEntry.objects.filter(kind=EntryKind.DECISION).count() == 2
    assert Hold.objects.get(pk=review.hold_id).released_by == moritz
    assert ArchiveEntry.objects.filter(kind=EntryKind.HOLD_RELEASED).count() == 1

    [told] = [m for m in mail.outbox if m.to == [CARLA]]
    assert "overturned" in told.body
    assert "Skarp kritik, men intet skældsord." in told.body


def test_upholding_keeps_the_decision_releases_the_hold_and_tells_the_author(
    moritz: User,
    review: ReviewRequest,
    rejected: Post,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        actions.decide_review(
            review=review,
            moderator=moritz,
            outcome=ReviewOutcome.UPHELD,
            note="Ordet er et skældsord efter reglen.",
        )

    assert Decision.objects.count() == 1
    rejected.refresh_from_db()
    assert rejected.status == PostStatus.REJECTED
    review.refresh_from_db()
    assert review.outcome == ReviewOutcome.UPHELD
    assert review.new_decision is None
    assert Hold.objects.get(pk=review.hold_id).released_at is not None
    [told] = [m for m in mail.outbox if m.to == [CARLA]]
    assert "upheld" in told.body


def test_no_mail_leaves_when_the_review_rolls_back(
    moritz: User, review: ReviewRequest, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        actions.decide_review(
            review=review, moderator=moritz, outcome=ReviewOutcome.UPHELD, note="Står."
        )
    # Queued for after commit, not sent inside the transaction.
    assert callbacks
    assert not mail.outbox


def test_a_review_is_decided_once(moritz: User, review: ReviewRequest) -> None:
    actions.decide_review(review=review, moderator=moritz, outcome=ReviewOutcome.UPHELD, note="Ok")
    with pytest.raises(actions.ReviewAlreadyDecided):
        actions.decide_review(
            review=review, moderator=moritz, outcome=ReviewOutcome.OVERTURNED, note="Nej"
        )
    assert ArchiveEntry.objects.filter(kind=EntryKind.REVIEW_DECIDED).count() == 1


def test_the_review_form_explains_missing_choices(
    moritz: User, review: ReviewRequest, staff_as: StaffAs
) -> None:
    staff = staff_as(moritz)
    response = _decide(staff, review, "", "")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose whether the decision is upheld or overturned." in body
    assert "Write the reason for the outcome; the author is told." in body
    review.refresh_from_db()
    assert review.is_pending
