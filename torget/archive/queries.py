"""Reusable reads of the archive: the records officer's search, and requests."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.paginator import Paginator
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Exists, Expression, F, OuterRef, Q, QuerySet, Subquery
from django.utils.functional import cached_property

from torget.accounts.models import Organisation
from torget.archive.models import ArchiveContent, ArchiveEntry, RecordsRequest, RetentionRule


@dataclass(frozen=True)
class ArchiveSearch:
    text: str = ""
    since: date | None = None
    until: date | None = None
    dialogue_id: int | None = None
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
    start = _start_of(search.since, zone) if search.since else None
    end = _start_of(search.until + timedelta(days=1), zone) if search.until else None
    if start is not None:
        entries = entries.filter(at__gte=start)
    if end is not None:
        entries = entries.filter(at__lt=end)
    if start is not None or end is not None:
        span = _seq_span(organisation, start, end)
        if span is None:
            return entries.none()
        entries = entries.filter(seq__gte=span[0], seq__lte=span[1])
    if search.dialogue_id is not None:
        entries = entries.filter(dialogue_id=search.dialogue_id)
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


_SPAN_CONDITIONS = {"start": "at >= %s", "end": "at < %s"}


def _seq_span(
    organisation: Organisation, start: datetime | None, end: datetime | None
) -> tuple[int, int] | None:
    """The lowest and highest entry number of the organisation's entries in the period, or
    None when it has none.

    Results come newest first by number, so PostgreSQL walks the numbers down from the newest
    entry, checking each against the period and the words: for a period months back that is
    hundreds of thousands of entries before the first match.
    Every match lies within this span, so adding it to the query changes no result and lets
    the walk start at the period. The times need not rise with the numbers (an import may
    append old items), hence the lowest and highest rather than the first and last by time.
    ``OFFSET 0`` keeps PostgreSQL from turning MIN/MAX into that same walk; the index on
    (organisation, at, seq) answers it without reading the entries themselves."""
    conditions = ["organisation_id = %s"]
    params: list[Any] = [organisation.pk]
    for name, moment in (("start", start), ("end", end)):
        if moment is not None:
            conditions.append(_SPAN_CONDITIONS[name])
            params.append(connection.ops.adapt_datetimefield_value(moment))
    fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
    sql = (
        "SELECT MIN(seq), MAX(seq) FROM (SELECT seq FROM archive_archiveentry "  # noqa: S608
        f"WHERE {' AND '.join(conditions)}{fence}) AS period"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return None
    return int(row[0]), int(row[1])


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
# matches at once. (Either plan alone is slow for the other kind of word.)
FEW_MATCHES = 1000


class StoredWords(Expression):
    """PostgreSQL: a content's words as migration 0009 stores them beside ``search_text``
    (``to_tsvector('simple', search_text)``), read instead of computed for every row. The
    model does not know the column, so this names it beside ``search_text`` (which the query
    gives the right table alias)."""

    def __init__(self) -> None:
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())
        self.source: Any = F("search_text")

    def get_source_expressions(self) -> list[Any]:
        return [self.source]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.source,) = exprs

    def as_sql(self, compiler: Any, connection: BaseDatabaseWrapper) -> Any:
        sql, params = compiler.compile(self.source)
        text_column = connection.ops.quote_name("search_text")
        if not sql.endswith(text_column):
            raise ValueError(f"cannot find the stored words beside {sql}")
        return sql[: -len(text_column)] + connection.ops.quote_name("search_words"), params


def _full_text_matches(text: str) -> Q:
    from django.contrib.postgres.search import SearchQuery

    # The stored column has the GIN index (migration 0009).
    matching = ArchiveContent.objects.annotate(words=StoredWords()).filter(
        words=SearchQuery(text, config="simple", search_type="websearch")
    )
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


def retention_rules_of(organisation: Organisation) -> QuerySet[RetentionRule]:
    return RetentionRule.objects.filter(organisation=organisation).order_by("kind")
