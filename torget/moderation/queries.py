"""Reusable reads for moderation."""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Min, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from torget.accounts.models import Organisation, Role, User
from torget.accounts.permissions import AnyUser
from torget.core.caching import forget
from torget.dialogues.lifecycle import in_effective_states
from torget.dialogues.models import AWAITING_STATUSES, Dialogue, DialogueState, Post
from torget.moderation.models import (
    Block,
    BlockScope,
    Decision,
    ReviewRequest,
    Rule,
    RuleSet,
    ThreatMark,
)
from torget.moderation.permissions import (
    can_block,
    can_review,
    can_view_queue,
    can_view_threat,
    can_view_threats,
)

# Other worker processes with their own in-process cache see a new rule set's limit within
# this many seconds; with REDIS_URL at once.
MAX_LENGTH_CACHE_SECONDS = 60


class NoRuleSetInForce(Exception):
    """The authority has no published version starting at or before the moment asked about.

    Every authority gets version 1 in force from its creation (``publish_default_rule_set``
    and migration moderation 0005), so this is a bug, not bad input."""


class RuleNotInForce(Exception):
    """A decision cited rule codes that the version it cites does not hold."""

    def __init__(self, rule_set: RuleSet, codes: Sequence[str]) -> None:
        super().__init__(f"not in version {rule_set.version}: {', '.join(codes)}")
        self.rule_set = rule_set
        self.codes = list(codes)


def published_rule_sets(organisation: Organisation) -> QuerySet[RuleSet]:
    return RuleSet.objects.filter(organisation=organisation, published_at__isnull=False)


def rule_set_in_force(organisation: Organisation, *, at: datetime | None = None) -> RuleSet:
    """The one published version in force at ``at`` (now by default): the one whose start is
    the latest at or before it. Its rules come prefetched in their order."""
    at = at or timezone.now()
    rule_set = (
        published_rule_sets(organisation)
        .filter(in_force_from__lte=at)
        .order_by("-in_force_from", "-version")
        .prefetch_related("rules")
        .first()
    )
    if rule_set is None:
        raise NoRuleSetInForce(f"{organisation} at {at.isoformat()}")
    return rule_set


def rules_cited(rule_set: RuleSet, codes: Sequence[str]) -> list[Rule]:
    """The rules of ``rule_set`` with these codes; a code the version does not hold is refused
    rather than dropped, so a decision never silently cites less than the moderator chose."""
    wanted = set(codes)
    rules = [rule for rule in rule_set.rules.all() if rule.code in wanted]
    missing = sorted(wanted - {rule.code for rule in rules})
    if missing:
        raise RuleNotInForce(rule_set, missing)
    return rules


def rule_set_periods(organisation: Organisation) -> list[tuple[RuleSet, datetime | None]]:
    """Every published version, newest first, with the moment the next one replaced it (None
    for the last one). A version that was replaced before it started has an empty period."""
    versions = list(published_rule_sets(organisation).order_by("-in_force_from", "-version"))
    periods: list[tuple[RuleSet, datetime | None]] = []
    until: datetime | None = None
    for rule_set in versions:
        periods.append((rule_set, until))
        until = rule_set.in_force_from
    return periods


def get_published_rule_set(organisation: Organisation, version: int) -> RuleSet:
    try:
        return published_rule_sets(organisation).prefetch_related("rules").get(version=version)
    except RuleSet.DoesNotExist:
        raise Http404(str(version)) from None


def rule_titles_by_code(organisation: Organisation) -> dict[str, Rule]:
    """For each code ever published, its rule in the newest version holding it: how a count
    under a retired code is still named to citizens by its title."""
    titles: dict[str, Rule] = {}
    for rule in Rule.objects.filter(
        rule_set__organisation=organisation, rule_set__published_at__isnull=False
    ).order_by("-rule_set__version"):
        titles.setdefault(rule.code, rule)
    return titles


def _max_length_key(organisation_id: int) -> str:
    return f"torget:max-length:{organisation_id}"


def max_length_for(organisation: Organisation) -> int:
    """The longest contribution the rules in force allow. Every form and submission asks, so
    it is cached; publishing a rule set drops it (ModerationConfig.ready), and the cache never
    outlives the start of the next version already published."""
    key = _max_length_key(organisation.pk)
    cached: int | None = cache.get(key)
    if cached is not None:
        return cached
    now = timezone.now()
    max_length = rule_set_in_force(organisation, at=now).max_length
    next_start = (
        published_rule_sets(organisation)
        .filter(in_force_from__gt=now)
        .order_by("in_force_from")
        .values_list("in_force_from", flat=True)
        .first()
    )
    seconds = MAX_LENGTH_CACHE_SECONDS
    if next_start is not None:
        seconds = max(1, min(seconds, int((next_start - now).total_seconds())))
    cache.set(key, max_length, seconds)
    return max_length


def forget_max_length(*, instance: RuleSet, **_signal: object) -> None:
    forget(_max_length_key(instance.organisation_id))


def moderation_queue(
    organisation: Organisation,
    *,
    channel: str = "",
    dialogue_id: int | None = None,
    thread_id: int | None = None,
) -> QuerySet[Post]:
    """Every post awaiting a decision, whatever its channel: highest screening priority first,
    then oldest first; narrowed to one channel, dialogue or thread when asked."""
    posts = Post.objects.filter(organisation=organisation, status__in=AWAITING_STATUSES)
    if channel:
        posts = posts.filter(channel=channel)
    if dialogue_id is not None:
        posts = posts.filter(dialogue_id=dialogue_id)
    if thread_id is not None:
        posts = posts.filter(thread_id=thread_id)
    return posts.select_related("dialogue", "thread", "entered_by").order_by(
        "-priority", "created_at", "pk"
    )


@dataclass(frozen=True)
class WaitingQueue:
    """The posts awaiting a decision in one place: a dialogue's own page, or a thread beside
    it (a live chat)."""

    dialogue_id: int
    dialogue_title: str
    thread_id: int | None
    thread_title: str
    waiting: int
    oldest: datetime


def waiting_queues(organisation: Organisation) -> list[WaitingQueue]:
    """How many posts wait in each place and since when, the longest waiting first: one
    grouped query."""
    rows = (
        Post.objects.filter(organisation=organisation, status__in=AWAITING_STATUSES)
        .values("dialogue_id", "dialogue__title", "thread_id", "thread__title")
        .annotate(waiting=Count("pk"), oldest=Min("created_at"))
        .order_by("oldest", "dialogue_id", "thread_id")
    )
    return [
        WaitingQueue(
            dialogue_id=row["dialogue_id"],
            dialogue_title=row["dialogue__title"],
            thread_id=row["thread_id"],
            thread_title=row["thread__title"] or "",
            waiting=row["waiting"],
            oldest=row["oldest"],
        )
        for row in rows
    ]


@dataclass
class MonthOfDecisions:
    """One calendar month of decisions in the authority's zone, as counts by kind only: no
    people, no texts, no references. A decision citing several rules counts once under each
    of them in ``by_rule`` and once in ``total``."""

    month: date
    by_rule: dict[str, dict[str, int]] = field(default_factory=dict)
    no_rule: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)


def monthly_decision_counts(
    organisation: Organisation, *, months: int = 12, now: datetime | None = None
) -> list[MonthOfDecisions]:
    """The last ``months`` calendar months (this one included) that had decisions, newest
    first: the moderators' decisions on every post, whatever its channel. Two grouped
    queries, however many decisions there are; the months are cut in the authority's own
    zone, so a decision at 00:30 on the 1st belongs to the new month."""
    zone = zoneinfo.ZoneInfo(organisation.time_zone)
    since = _start_of_month(timezone.localtime(now or timezone.now(), zone), back=months - 1)
    decisions = (
        Decision.objects.filter(rule_set__organisation=organisation, decided_at__gte=since)
        .annotate(month=TruncMonth("decided_at", tzinfo=zone), decision=F("kind"))
        .order_by()
    )
    by_month: dict[date, MonthOfDecisions] = {}

    def month_of(value: datetime) -> MonthOfDecisions:
        day = value.date()
        return by_month.setdefault(day, MonthOfDecisions(month=day))

    # The rules join is an outer join: a decision citing no rule comes back with code None.
    for row in decisions.values("month", "decision", "rules__code").annotate(n=Count("pk")):
        entry = month_of(row["month"])
        code: str | None = row["rules__code"]
        counts = entry.no_rule if code is None else entry.by_rule.setdefault(code, {})
        counts[row["decision"]] = counts.get(row["decision"], 0) + row["n"]
    for row in decisions.values("month", "decision").annotate(n=Count("pk")):
        total = month_of(row["month"]).total
        total[row["decision"]] = total.get(row["decision"], 0) + row["n"]
    return [by_month[day] for day in sorted(by_month, reverse=True)]


def _start_of_month(moment: datetime, *, back: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 - back
    return moment.replace(
        year=index // 12, month=index % 12 + 1, day=1, hour=0, minute=0, second=0, microsecond=0
    )


def dialogues_taking_contributions(
    organisation: Organisation, now: datetime | None = None
) -> QuerySet[Dialogue]:
    """Open and announced dialogues with their moderation mode: how a post in each becomes
    visible, which the Swedish BBS-lagen § 3 requires the service to tell its users. Open
    and announced as the announced times say at ``now``, whether or not tick has run."""
    return (
        Dialogue.objects.filter(
            in_effective_states(
                (DialogueState.OPEN, DialogueState.SCHEDULED), now or timezone.now()
            ),
            organisation=organisation,
        )
        .only("slug", "title", "state", "moderation_mode", "opens_at", "closes_at")
        .order_by("opens_at", "pk")
    )


# Reviews, blocks and threats ---------------------------------------------------------------


def politicians_of(organisation: Organisation) -> QuerySet[User]:
    """The authority's politicians: the people a threat can be recorded against."""
    return (
        User.objects.filter(
            organisation=organisation, is_active=True, role_grants__role=Role.POLITICIAN
        )
        .select_related("party")
        .order_by("first_name", "last_name", "username")
    )


def block_in_force(
    *, organisation_id: int, dialogue_id: int, email: str, now: datetime
) -> Block | None:
    """The block that refuses contributions from ``email`` to this dialogue now, if any."""
    return (
        Block.objects.filter(
            organisation_id=organisation_id,
            email=email.lower(),
            lifted_at__isnull=True,
            imposed_at__lte=now,
            ends_at__gt=now,
        )
        .filter(Q(scope=BlockScope.ORGANISATION) | Q(dialogue_id=dialogue_id))
        .select_related("dialogue", "organisation")
        .order_by("-ends_at", "-pk")
        .first()
    )


def _reviews(organisation: Organisation) -> QuerySet[ReviewRequest]:
    return ReviewRequest.objects.filter(
        contribution__dialogue__organisation=organisation
    ).select_related("contribution__dialogue", "decision__moderator", "decided_by")


def pending_reviews(organisation: Organisation) -> QuerySet[ReviewRequest]:
    """Oldest first: the author has waited longest."""
    return _reviews(organisation).filter(outcome="").order_by("requested_at", "pk")


def decided_reviews(organisation: Organisation) -> QuerySet[ReviewRequest]:
    return _reviews(organisation).exclude(outcome="").order_by("-decided_at", "-pk")


def blocks_of(organisation: Organisation) -> QuerySet[Block]:
    return (
        Block.objects.filter(organisation=organisation)
        .select_related("dialogue", "contribution", "imposed_by", "lifted_by")
        .prefetch_related("rules")
        .order_by("-imposed_at", "-pk")
    )


def threats_in(organisation: Organisation) -> QuerySet[ThreatMark]:
    return (
        ThreatMark.objects.filter(contribution__dialogue__organisation=organisation)
        .select_related("contribution__dialogue", "politician__party", "marked_by")
        .order_by("-marked_at", "-pk")
    )


def threats_against(user: User) -> QuerySet[ThreatMark]:
    return (
        ThreatMark.objects.filter(politician=user)
        .select_related("contribution__dialogue")
        .order_by("-marked_at", "-pk")
    )


# Permission-checked getters: each returns the row or raises, so no view forgets the check.


def get_contribution_for(user: AnyUser, organisation: Organisation, pk: int) -> Post:
    if not can_view_queue(user):
        raise PermissionDenied
    try:
        return Post.objects.select_related("dialogue__organisation").get(
            dialogue__organisation=organisation, pk=pk
        )
    except Post.DoesNotExist:
        raise Http404(str(pk)) from None


def get_review_for(user: AnyUser, organisation: Organisation, pk: int) -> ReviewRequest:
    if not can_review(user):
        raise PermissionDenied
    try:
        return _reviews(organisation).select_related("new_decision").get(pk=pk)
    except ReviewRequest.DoesNotExist:
        raise Http404(str(pk)) from None


def get_block_for(user: AnyUser, organisation: Organisation, pk: int) -> Block:
    if not can_block(user):
        raise PermissionDenied
    try:
        return blocks_of(organisation).get(pk=pk)
    except Block.DoesNotExist:
        raise Http404(str(pk)) from None


def get_threat_for(user: AnyUser, organisation: Organisation, pk: int) -> ThreatMark:
    if not can_view_threats(user):
        raise PermissionDenied
    try:
        threat = threats_in(organisation).get(pk=pk)
    except ThreatMark.DoesNotExist:
        raise Http404(str(pk)) from None
    if not can_view_threat(user, threat):
        raise PermissionDenied
    return threat
