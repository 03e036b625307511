"""Reusable reads of the archive: the records officer's search, and requests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.functional import cached_property

from torget.accounts.models import Organisation
from torget.archive.models import ArchiveContent, ArchiveEntry, RecordsRequest
from torget.dialogues.models import Dialogue


@dataclass(frozen=True)
class ArchiveSearch:
    text: str = ""
    since: date | None = None
    until: date | None = None
    dialogue: Dialogue | None = None
    channel: str = ""
    status: str = ""


def _start_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def search_entries(organisation: Organisation, search: ArchiveSearch) -> QuerySet[ArchiveEntry]:
    """Entries of the organisation matching every given criterion, newest first.

    ``status`` matches items whose *current* status is that (the latest entry about the same
    item that records a status), so "rejected" finds rejected contributions with all their
    entries, published or not. Dates are whole days in the authority's time zone.
    """
    zone = ZoneInfo(organisation.time_zone)
    entries = ArchiveEntry.objects.filter(organisation=organisation)
    if search.since:
        entries = entries.filter(at__gte=_start_of(search.since, zone))
    if search.until:
        entries = entries.filter(at__lt=_start_of(search.until + timedelta(days=1), zone))
    if search.dialogue is not None:
        entries = entries.filter(dialogue=search.dialogue)
    if search.channel:
        entries = entries.filter(channel=search.channel)
    if search.status:
        latest = (
            ArchiveEntry.objects.filter(
                subject_type=OuterRef("subject_type"), subject_id=OuterRef("subject_id")
            )
            .exclude(status="")
            .order_by("-seq")
            .values("status")[:1]
        )
        entries = (
            entries.exclude(subject_type="")
            .annotate(current_status=Subquery(latest))
            .filter(current_status=search.status)
        )
    text = " ".join(search.text.split())
    if text:
        entries = entries.filter(_text_matches(text))
    return entries.select_related("content", "dialogue", "actor").order_by("-seq")


# One word joined by hyphens or dots may be a reference (T-ABCD-EFGH, R-2026-0001) or a case
# number (24.05.00-P20-3-26): those are also looked up exactly, through their indexes.
_IDENTIFIER_RE = re.compile(r"^\w+(?:[-.]\w+)+$")


def _text_matches(text: str) -> Q:
    if connection.vendor == "postgresql":
        words = _full_text_matches(text)
    else:
        words = Q()
        for word in text.split():
            words &= Q(content__search_text__icontains=word)
    if _IDENTIFIER_RE.match(text):
        return Q(subject_ref=text.upper()) | Q(case_number=text) | words
    return words


# Up to this many matching entries are looked up by the full-text index and then fetched by
# their numbers; beyond it the word is common, and walking the newest entries finds a page of
# matches at once. (One plan for both is slow for one of them: bench/archive.py.)
FEW_MATCHES = 1000


def _full_text_matches(text: str) -> Q:
    from django.contrib.postgres.search import SearchQuery, SearchVector

    # The same expression as the GIN index (migration 0005), or PostgreSQL will not use it.
    matching = ArchiveContent.objects.annotate(
        words=SearchVector("search_text", config="simple")
    ).filter(words=SearchQuery(text, config="simple", search_type="websearch"))
    few = list(matching.values_list("entry_id", flat=True)[: FEW_MATCHES + 1])
    if len(few) <= FEW_MATCHES:
        return Q(seq__in=few)
    return Q(Exists(matching.filter(entry=OuterRef("seq"))))


class CappedPaginator(Paginator[ArchiveEntry]):
    """Counts at most ``CAP`` matches: counting every one of a few hundred thousand matches
    of a common word costs seconds and helps nobody; the page says "more than" instead."""

    CAP = 1000

    @cached_property
    def count(self) -> int:
        matches = self.object_list
        assert isinstance(matches, QuerySet)
        return matches[: self.CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.CAP


def requests_for(organisation: Organisation) -> QuerySet[RecordsRequest]:
    return RecordsRequest.objects.filter(organisation=organisation).select_related("dialogue")
