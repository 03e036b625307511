"""Every write for requests for public records: register, select, redact, release, complete.

The request and each release are themselves archived; a pending request holds the material
it concerns against disposal until the records officer completes it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from torget.accounts.models import Country, Organisation, User
from torget.archive.actions import CaseFile, append_entry, place_hold, release_hold
from torget.archive.chain import canonical_json
from torget.archive.export import REDACTABLE_FIELDS, ExportResult, Progress, write_bag
from torget.archive.models import (
    ArchiveEntry,
    Channel,
    EntryKind,
    Hold,
    HoldReason,
    ManualRedaction,
    RecordsRequest,
    Release,
    RequestItem,
)
from torget.archive.redaction import Span

DK_WORKING_DAYS = 7  # offentlighedsloven § 36: as a rule within 7 working days
SE_WORKING_DAYS = 1  # offentlighetsprincipen: "skyndsamt" -- the same or the next day


def add_working_days(start: date, days: int) -> date:
    """Monday to Friday; public holidays are not known here, so the officer may adjust."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def default_deadline(organisation: Organisation, received_on: date) -> date:
    days = SE_WORKING_DAYS if organisation.country == Country.SWEDEN else DK_WORKING_DAYS
    return add_working_days(received_on, days)


def _next_reference(organisation: Organisation, year: int) -> str:
    prefix = f"R-{year}-"
    last = RecordsRequest.objects.filter(reference__startswith=prefix).aggregate(
        last=Max("reference")
    )["last"]
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:04d}"


def register_request(
    *,
    organisation: Organisation,
    officer: User,
    requester: str,
    requester_contact: str,
    received_on: date,
    scope: str,
    deadline: date,
    dialogue: CaseFile | None,
    now: datetime | None = None,
) -> RecordsRequest:
    now = now or timezone.now()
    for _attempt in range(3):
        try:
            with transaction.atomic():
                request = RecordsRequest.objects.create(
                    organisation=organisation,
                    reference=_next_reference(organisation, received_on.year),
                    requester=requester,
                    requester_contact=requester_contact,
                    received_on=received_on,
                    scope=scope,
                    deadline=deadline,
                    dialogue_id=dialogue.pk if dialogue is not None else None,
                    registered_at=now,
                    registered_by=officer,
                )
                if dialogue is not None:
                    request.hold = place_hold(
                        reason=HoldReason.REQUEST,
                        dialogue=dialogue,
                        actor=officer,
                        note=request.reference,
                        now=now,
                    )
                    request.save(update_fields=["hold"])
                append_entry(
                    kind=EntryKind.REQUEST_REGISTERED,
                    at=now,
                    organisation=organisation,
                    dialogue=dialogue,
                    channel=Channel.STAFF,
                    subject_type="records_request",
                    subject_id=request.pk,
                    subject_ref=request.reference,
                    actor=officer,
                    data={
                        "received_on": received_on.isoformat(),
                        "deadline": deadline.isoformat(),
                    },
                    content={
                        "requester": requester,
                        "requester_contact": requester_contact,
                        "scope": scope,
                    },
                )
                return request
        except IntegrityError:
            continue  # two officers took the same number at once; take the next
    raise RuntimeError("could not allocate a request reference")


@transaction.atomic
def select_entries(
    *, request: RecordsRequest, entries: Sequence[ArchiveEntry], officer: User
) -> None:
    """Add entries to the request, and hold the items they concern until it is completed."""
    now = timezone.now()
    RequestItem.objects.bulk_create(
        [RequestItem(request=request, entry=entry, added_at=now) for entry in entries],
        ignore_conflicts=True,
    )
    held = set(
        Hold.objects.filter(
            reason=HoldReason.REQUEST, note=request.reference, released_at__isnull=True
        ).values_list("subject_type", "subject_id")
    )
    for entry in entries:
        subject = (entry.subject_type, entry.subject_id)
        if entry.subject_type and entry.subject_id is not None and subject not in held:
            place_hold(
                reason=HoldReason.REQUEST,
                dialogue=entry.dialogue,
                subject_type=entry.subject_type,
                subject_id=entry.subject_id,
                actor=officer,
                note=request.reference,
                now=now,
            )
            held.add(subject)


def unselect_entry(*, request: RecordsRequest, item: RequestItem) -> None:
    RequestItem.objects.filter(pk=item.pk, request=request).delete()


class PassageNotFound(ValueError):
    pass


def stored_content(entry: ArchiveEntry) -> dict[str, str]:
    """The entry's stored personal content, or {} when there is none or it was disposed of."""
    if not entry.content_sha256:
        return {}
    body = entry.content.body if hasattr(entry, "content") else None
    if body is None:
        return {}
    loaded = json.loads(body)
    return {
        name: value
        for name in REDACTABLE_FIELDS
        if isinstance(value := loaded.get(name), str) and value
    }


def redact_passage(*, item: RequestItem, field: str, passage: str, ground: str) -> int:
    """Withhold every occurrence of ``passage`` in one field; returns how many were found."""
    text = stored_content(item.entry).get(field, "")
    if not passage or passage not in text:
        raise PassageNotFound(
            _("The passage does not occur in that text; copy it exactly as it appears.")
        )
    spans = []
    start = text.find(passage)
    while start != -1:
        spans.append(
            ManualRedaction(
                item=item, field=field, start=start, end=start + len(passage), ground=ground
            )
        )
        start = text.find(passage, start + len(passage))
    ManualRedaction.objects.bulk_create(spans)
    return len(spans)


def manual_spans(request: RecordsRequest) -> dict[tuple[int, str], list[Span]]:
    spans: dict[tuple[int, str], list[Span]] = {}
    for redaction in ManualRedaction.objects.filter(item__request=request).select_related("item"):
        spans.setdefault((redaction.item.entry_id, redaction.field), []).append(
            Span(redaction.start, redaction.end, redaction.ground)
        )
    return spans


def release_request(
    *, request: RecordsRequest, officer: User, redact_automatic: bool, now: datetime | None = None
) -> Release:
    """Write the selected entries as a bag in ARCHIVE_EXPORT_DIR and record what went out."""
    now = now or timezone.now()
    number = request.releases.count() + 1
    out_dir = settings.ARCHIVE_EXPORT_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    result: ExportResult = write_bag(
        entries=ArchiveEntry.objects.filter(seq__in=request.items.values("entry_id")),
        out=out_dir / f"{request.reference}-{number}",
        description=_("Released on request %(reference)s: %(scope)s")
        % {"reference": request.reference, "scope": request.scope},
        organisation_name=request.organisation.name,
        language=request.organisation.default_language,
        redact_automatic=redact_automatic,
        manual=manual_spans(request),
        identifier=request.reference,
        now=now,
    )
    with transaction.atomic():
        entry = append_entry(
            kind=EntryKind.REQUEST_RELEASED,
            at=now,
            organisation=request.organisation,
            dialogue=request.dialogue,
            channel=Channel.STAFF,
            subject_type="records_request",
            subject_id=request.pk,
            subject_ref=request.reference,
            actor=officer,
            data={
                "entries": sorted(request.items.values_list("entry_id", flat=True)),
                "redacted_automatically": redact_automatic,
                "manual_redactions": ManualRedaction.objects.filter(item__request=request).count(),
                "manifest": result.files,
                "bag": result.path.name,
            },
        )
        return Release.objects.create(
            request=request,
            released_at=now,
            released_by=officer,
            entries=result.entries,
            redacted_automatically=redact_automatic,
            folder=str(result.path),
            archive_entry=entry,
        )


def complete_request(
    *, request: RecordsRequest, officer: User, now: datetime | None = None
) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        updated = RecordsRequest.objects.filter(pk=request.pk, completed_at__isnull=True).update(
            completed_at=now
        )
        if updated:
            for hold in Hold.objects.filter(
                reason=HoldReason.REQUEST, note=request.reference, released_at__isnull=True
            ):
                release_hold(hold=hold, actor=officer, now=now)
    request.refresh_from_db()


def entries_about_person(organisation: Organisation | None, email: str) -> QuerySet[ArchiveEntry]:
    """Everything the archive holds about one person known by their e-mail address: the items
    they sent, and every entry about those items (decisions, reviews, …)."""
    needle = canonical_json({"email": email.strip()})[1:-1]  # "email":"…", as stored
    theirs = ArchiveEntry.objects.filter(content__body__icontains=needle)
    if organisation is not None:
        theirs = theirs.filter(organisation=organisation)
    subjects = Q(pk__in=theirs.values("pk"))
    for subject_type, subject_id in theirs.exclude(subject_type="").values_list(
        "subject_type", "subject_id"
    ):
        subjects |= Q(subject_type=subject_type, subject_id=subject_id)
    return ArchiveEntry.objects.filter(subjects)


def export_subject_access(
    *,
    organisation: Organisation,
    email: str,
    out: Path,
    actor: User | None,
    progress: Progress | None = None,
) -> ExportResult:
    """A data-subject access export (GDPR art. 15) for one person, archived as such."""
    now = timezone.now()
    result = write_bag(
        entries=entries_about_person(organisation, email),
        out=out,
        description=_("Everything kept about the person with the e-mail address %(email)s")
        % {"email": email},
        organisation_name=organisation.name,
        language=organisation.default_language,
        progress=progress,
        now=now,
    )
    with transaction.atomic():
        append_entry(
            kind=EntryKind.SUBJECT_ACCESS,
            at=now,
            organisation=organisation,
            channel=Channel.STAFF,
            actor=actor,
            data={"entries": result.entries, "manifest": result.files},
            content={"email": email},
        )
    return result
