"""The transparency page costs the same few queries however many decisions it counts: the
counting is done by the database, grouped by month, rule and kind."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from torget.accounts.models import User
from torget.dialogues.models import Dialogue, Post
from torget.moderation.actions import approve_contribution, refer_contribution, reject_contribution

# Rule set in force + its rules; decisions on every post by month, rule and kind and by month
# and kind; dialogues open for contributions (the authority is cached since the warm-up).
# Nothing per decision, rule or month.
QUERIES = 5

RULES = ["ON_TOPIC", "RESPECT", "THREATS", "COMMERCIAL", "RIGHTS"]


def _decide_many(
    dialogue: Dialogue, contribute: Callable[..., Post], moderator: User, count: int
) -> set[str]:
    """Make ``count`` decisions and return the local months they fall in."""
    now = timezone.now()
    months: set[str] = set()
    for i in range(count):
        contribution = contribute(dialogue, f"Indlæg nummer {i}")
        # Spread over about ten months, every kind, one or two rules, some with none.
        at = now - timedelta(days=29 * (i % 10), hours=i)
        months.add(timezone.localtime(at, ZoneInfo("Europe/Copenhagen")).strftime("%Y-%m"))
        if i % 3 == 0:
            approve_contribution(contribution=contribution, moderator=moderator, now=at)
        elif i % 3 == 1:
            codes = RULES[i % len(RULES) : i % len(RULES) + 2]
            reject_contribution(
                contribution=contribution, moderator=moderator, rule_codes=codes, now=at
            )
        else:
            refer_contribution(contribution=contribution, moderator=moderator, now=at)
    return months


@pytest.mark.parametrize("count", [1, 40])
def test_the_query_count_is_fixed_whatever_the_number_of_decisions(
    client: Client,
    django_assert_num_queries: Callable[..., object],
    alice: User,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    count: int,
) -> None:
    # Given one decision, or forty spread over months, rules and kinds,
    months = _decide_many(open_dialogue, contribute, alice, count)
    client.get("/transparency/")  # warm-up: the clock tick runs on the first request

    # when the page is opened, then it costs the same queries.
    with django_assert_num_queries(QUERIES):  # type: ignore[attr-defined]
        response = client.get("/transparency/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<table") == len(months) > (0 if count == 1 else 8)
    assert all(f'id="table-{month}"' in page for month in months)
