"""The signed link in a decision notice that lets the author ask for a review.

The author has no account: the link itself is the proof that they received the notice. It
names the decision and its contribution and is signed with the site's key, so it cannot be
made up or moved to another decision; it expires so that old mail does not stay a key.
"""

from __future__ import annotations

from django.core import signing

from torget.moderation.models import Decision

REVIEW_REQUEST_SALT = "torget.review-request"
REVIEW_LINK_DAYS = 60


def review_request_token(decision: Decision) -> str:
    return signing.dumps(
        {"d": decision.pk, "c": decision.contribution_id}, salt=REVIEW_REQUEST_SALT
    )


def decision_for_review_token(token: str) -> Decision | None:
    """The decision the link was made for, or None when it is forged, broken or too old."""
    try:
        payload = signing.loads(
            token, salt=REVIEW_REQUEST_SALT, max_age=REVIEW_LINK_DAYS * 24 * 60 * 60
        )
        return Decision.objects.select_related(
            "contribution__dialogue__organisation", "rule_set", "moderator"
        ).get(pk=payload["d"], contribution_id=payload["c"])
    except (signing.BadSignature, KeyError, TypeError, Decision.DoesNotExist):
        return None
