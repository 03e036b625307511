"""Exports of archive entries as BagIt bags (RFC 8493): the entries as JSON and CSV, a readable
HTML page, and SHA-256 manifests over every file.

A bag is written into a hidden folder beside the target and renamed into place only when
every file and manifest is complete, so a failure (an unwritable folder, a full disk) never
leaves something that looks like a finished export.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from torget.archive.models import ArchiveContent, ArchiveEntry, EntryKind
from torget.archive.redaction import Span, automatic_spans, redact

REDACTABLE_FIELDS = ("display_name", "text", "email", "note")
CSV_COLUMNS = (
    "seq",
    "at",
    "kind",
    "case_number",
    "dialogue",
    "channel",
    "reference",
    "status",
    "actor",
    "content_state",
    "display_name",
    "text",
    "email",
    "note",
    "redactions",
    "entry_hash",
    "prev_hash",
)
_BATCH = 1000
SOFTWARE = f"Torget {metadata.version('torget')}"

ManualSpans = Mapping[tuple[int, str], Sequence[Span]]
Progress = Callable[[int, int], None]


class ExportError(Exception):
    """The export could not be written; nothing was left behind that looks finished."""


@dataclass
class ExportResult:
    path: Path
    entries: int
    payload_bytes: int
    files: dict[str, str] = field(default_factory=dict)  # payload path -> sha256


class _HashingWriter:
    """Counts and hashes the bytes as they are written, so manifests need no second read."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        self.handle.write(data)
        self.digest.update(data)
        self.size += len(data)


def _released_content(
    entry: ArchiveEntry, *, redact_automatic: bool, manual: ManualSpans
) -> tuple[str, dict[str, str], list[dict[str, Any]]]:
    if not entry.content_sha256:
        return "none", {}, []
    try:
        content_row = entry.content
    except ArchiveContent.DoesNotExist:
        return "disposed", {}, []
    stored: dict[str, Any] = json.loads(content_row.body)
    released: dict[str, str] = {}
    redactions: list[dict[str, Any]] = []
    for name in REDACTABLE_FIELDS:
        value = stored.get(name)
        if not isinstance(value, str) or not value:
            continue
        spans = _spans_for(name, value, manual.get((entry.seq, name), ()), redact_automatic)
        released[name], applied = redact(value, spans)
        redactions += [
            {"field": name, "start": s.start, "end": s.end, "ground": s.ground} for s in applied
        ]
    return "present", released, redactions


def _spans_for(name: str, value: str, manual: Sequence[Span], redact_automatic: bool) -> list[Span]:
    spans = list(manual)
    if redact_automatic:
        if name == "email":
            spans.append(Span(0, len(value), _("e-mail address (personal data)")))
        else:
            spans += automatic_spans(value)
    return spans


def released_value(name: str, value: str, manual: Sequence[Span], redact_automatic: bool) -> str:
    """One field as it would be released: what the records officer previews."""
    return redact(value, _spans_for(name, value, manual, redact_automatic))[0]


def _rows(
    entries: QuerySet[ArchiveEntry], *, redact_automatic: bool, manual: ManualSpans
) -> Iterator[dict[str, Any]]:
    after = -1
    base = entries.select_related("content", "dialogue", "actor").order_by("seq")
    while True:
        batch = list(base.filter(seq__gt=after)[:_BATCH])
        if not batch:
            return
        for entry in batch:
            state, content, redactions = _released_content(
                entry, redact_automatic=redact_automatic, manual=manual
            )
            record = json.loads(entry.canonical)
            yield {
                "seq": entry.seq,
                "at": entry.at.isoformat(),
                "kind": entry.kind,
                "kind_label": str(EntryKind(entry.kind).label)
                if entry.kind in EntryKind.values
                else entry.kind,
                "case_number": entry.case_number,
                "dialogue": entry.dialogue.slug if entry.dialogue else "",
                "channel": entry.channel,
                "reference": entry.subject_ref,
                "status": entry.status,
                "actor": entry.actor.display_name if entry.actor else "",
                "data": record.get("data", {}),
                "content_state": state,
                "content": content,
                "redactions": redactions,
                "entry_hash": entry.entry_hash,
                "prev_hash": entry.prev_hash,
            }
        after = batch[-1].seq


def _csv_line(row: Mapping[str, Any]) -> str:
    buffer = io.StringIO()
    content = row["content"]
    values = [
        *(row[name] for name in CSV_COLUMNS[:10]),
        *(content.get(name, "") for name in REDACTABLE_FIELDS),
        json.dumps(row["redactions"], ensure_ascii=False) if row["redactions"] else "",
        row["entry_hash"],
        row["prev_hash"],
    ]
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()


def write_bag(
    *,
    entries: QuerySet[ArchiveEntry],
    out: Path,
    description: str,
    organisation_name: str,
    language: str,
    redact_automatic: bool = False,
    manual: ManualSpans | None = None,
    identifier: str = "",
    progress: Progress | None = None,
    now: datetime | None = None,
    extra_files: Mapping[str, bytes] | None = None,
) -> ExportResult:
    """Write the entries as a BagIt bag at ``out`` (which must not exist yet).

    ``extra_files`` are further payload files (plain names, written into ``data/``), covered
    by the manifest and the Payload-Oxum like the rest."""
    now = now or timezone.now()
    out = out.resolve()
    parent = out.parent
    try:
        taken, parent_is_folder = out.exists(), parent.is_dir()
    except OSError as error:  # a folder on the way that this process may not enter
        raise ExportError(
            _("Cannot write in %(path)s: %(reason)s") % {"path": parent, "reason": error.strerror}
        ) from error
    if taken:
        raise ExportError(_("%(path)s already exists; choose a new folder.") % {"path": out})
    if not parent_is_folder:
        raise ExportError(_("The folder %(path)s does not exist.") % {"path": parent})
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=parent))
    except OSError as error:
        raise ExportError(
            _("Cannot write in %(path)s: %(reason)s") % {"path": parent, "reason": error.strerror}
        ) from error
    try:
        with translation.override(language):
            result = _write_into(
                staging,
                entries=entries,
                description=description,
                organisation_name=organisation_name,
                redact_automatic=redact_automatic,
                manual=manual or {},
                identifier=identifier,
                progress=progress,
                now=now,
                extra_files=extra_files or {},
            )
        os.replace(staging, out)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise ExportError(
            _("The export could not be written (%(reason)s); nothing was kept.")
            % {"reason": error.strerror or error}
        ) from error
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result.path = out
    return result


def _write_into(
    bag: Path,
    *,
    entries: QuerySet[ArchiveEntry],
    description: str,
    organisation_name: str,
    redact_automatic: bool,
    manual: ManualSpans,
    identifier: str,
    progress: Progress | None,
    now: datetime,
    extra_files: Mapping[str, bytes],
) -> ExportResult:
    data = bag / "data"
    data.mkdir()
    total = entries.count()
    count = 0
    meta = {
        "organisation": organisation_name,
        "description": description,
        "identifier": identifier,
        "exported_at": now.isoformat(),
        "entries": total,
        "redacted_automatically": redact_automatic,
        "software": SOFTWARE,
    }
    with (
        (data / "entries.json").open("wb") as json_file,
        (data / "entries.csv").open("wb") as csv_file,
        (data / "index.html").open("wb") as html_file,
    ):
        as_json, as_csv, as_html = (
            _HashingWriter(json_file),
            _HashingWriter(csv_file),
            _HashingWriter(html_file),
        )
        as_json.write('{"export":' + json.dumps(meta, ensure_ascii=False) + ',"entries":[\n')
        as_csv.write("\ufeff")  # spreadsheet programs read UTF-8 correctly with the mark
        header = io.StringIO()
        csv.writer(header, lineterminator="\r\n").writerow(CSV_COLUMNS)
        as_csv.write(header.getvalue())
        as_html.write(render_to_string("archive/export_head.html", {"meta": meta}))
        chunk: list[dict[str, Any]] = []
        for row in _rows(entries, redact_automatic=redact_automatic, manual=manual):
            as_json.write(("" if count == 0 else ",\n") + json.dumps(row, ensure_ascii=False))
            as_csv.write(_csv_line(row))
            chunk.append(row)
            count += 1
            if len(chunk) == _BATCH:
                as_html.write(render_to_string("archive/export_rows.html", {"rows": chunk}))
                chunk = []
                if progress is not None:
                    progress(count, total)
        as_html.write(render_to_string("archive/export_rows.html", {"rows": chunk}))
        as_html.write(render_to_string("archive/export_foot.html", {"meta": meta}))
        as_json.write("\n]}\n")
    if progress is not None:
        progress(count, total)
    files = {
        "data/entries.json": as_json.digest.hexdigest(),
        "data/entries.csv": as_csv.digest.hexdigest(),
        "data/index.html": as_html.digest.hexdigest(),
    }
    payload_bytes = as_json.size + as_csv.size + as_html.size
    for name, content in extra_files.items():
        target = data / name
        if Path(name).name != name or name in {".", ".."} or f"data/{name}" in files:
            raise ValueError(f"not a new plain file name: {name!r}")
        target.write_bytes(content)
        files[f"data/{name}"] = hashlib.sha256(content).hexdigest()
        payload_bytes += len(content)
    _write_tag_files(
        bag,
        files=files,
        info={
            "Source-Organization": organisation_name,
            "Bagging-Date": now.date().isoformat(),
            "Payload-Oxum": f"{payload_bytes}.{len(files)}",
            "External-Description": description,
            "External-Identifier": identifier,
            "Bag-Software-Agent": SOFTWARE,
        },
    )
    return ExportResult(path=bag, entries=count, payload_bytes=payload_bytes, files=files)


def _write_tag_files(bag: Path, *, files: Mapping[str, str], info: Mapping[str, str]) -> None:
    tags: dict[str, str] = {}

    def write(name: str, text: str) -> None:
        data = text.encode("utf-8")
        (bag / name).write_bytes(data)
        tags[name] = hashlib.sha256(data).hexdigest()

    write("bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
    lines = [f"{key}: {' '.join(value.split())}" for key, value in info.items() if value]
    write("bag-info.txt", "\n".join(lines) + "\n")
    write("manifest-sha256.txt", "".join(f"{digest}  {path}\n" for path, digest in files.items()))
    (bag / "tagmanifest-sha256.txt").write_text(
        "".join(f"{digest}  {name}\n" for name, digest in tags.items()), encoding="utf-8"
    )
