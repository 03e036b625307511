"""Exports are BagIt bags that the `bagit` package's own validator accepts; redaction masks
personal data on the way out; a failed export leaves nothing that looks finished."""

from __future__ import annotations

import csv
import json
import resource
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import bagit
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from torget.archive.export import ExportError, write_bag
from torget.archive.models import ArchiveEntry, EntryKind
from torget.archive.redaction import Span, SpanOutsideText
from torget.dialogues.models import Dialogue, Post

CPR = "010190-1234"  # a real date, valid century digit: a CPR number by its shape


@pytest.fixture
def contributions(open_dialogue: Dialogue, contribute: Callable[..., Post]) -> list[Post]:
    return [
        contribute(open_dialogue, f"Mit CPR er {CPR}, skriv til carla@example.org"),
        contribute(open_dialogue, "Ring på 20 30 40 50 om stien", email="carla@example.org"),
        contribute(open_dialogue, "Linjeføring B er tryggest."),
    ]


def _export(out: Path, *args: str) -> str:
    stdout = StringIO()
    call_command("archive", "export", "--out", str(out), *args, stdout=stdout, stderr=StringIO())
    return stdout.getvalue()


def _json_entries(bag: Path) -> list[dict[str, object]]:
    document = json.loads((bag / "data" / "entries.json").read_text(encoding="utf-8"))
    entries: list[dict[str, object]] = document["entries"]
    return entries


def test_an_export_is_a_valid_bag_with_json_csv_and_html(
    tmp_path: Path, contributions: list[Post]
) -> None:
    bag_path = tmp_path / "aktindsigt-1"
    report = _export(bag_path)

    bag = bagit.Bag(str(bag_path))
    bag.validate()  # raises BagValidationError on any bad checksum, oxum or missing file
    assert sorted(bag.payload_files()) == [
        "data/entries.csv",
        "data/entries.json",
        "data/index.html",
    ]
    entries = _json_entries(bag_path)
    count = ArchiveEntry.objects.count() - 1  # the export's own entry came after it
    assert len(entries) == count
    assert f"exported {count} entries" in report
    with (bag_path / "data" / "entries.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == count
    texts = [row["text"] for row in rows if row["kind"] == EntryKind.CONTRIBUTION_RECEIVED]
    assert texts[2] == "Linjeføring B er tryggest."
    html = (bag_path / "data" / "index.html").read_text(encoding="utf-8")
    assert "Linjeføring B er tryggest." in html
    assert 'lang="da"' in html  # the authority's language


def test_the_export_is_itself_archived(tmp_path: Path, contributions: list[Post]) -> None:
    _export(tmp_path / "bag")
    last = ArchiveEntry.objects.order_by("seq").last()
    assert last is not None
    assert last.kind == EntryKind.EXPORT
    data = json.loads(last.canonical)["data"]
    manifest = (tmp_path / "bag" / "manifest-sha256.txt").read_text()
    assert f"{data['manifest']['data/entries.json']}  data/entries.json" in manifest


def test_redaction_masks_national_ids_emails_and_phones(
    tmp_path: Path, contributions: list[Post]
) -> None:
    _export(tmp_path / "bag", "--redact")

    released = json.dumps(_json_entries(tmp_path / "bag"), ensure_ascii=False)
    html = (tmp_path / "bag" / "data" / "index.html").read_text(encoding="utf-8")
    csv_text = (tmp_path / "bag" / "data" / "entries.csv").read_text(encoding="utf-8")
    for secret in (CPR, "carla@example.org", "20 30 40 50"):
        assert secret not in released
        assert secret not in html
        assert secret not in csv_text
    first = next(
        entry
        for entry in _json_entries(tmp_path / "bag")
        if entry["kind"] == EntryKind.CONTRIBUTION_RECEIVED
    )
    assert first["content"]["text"].startswith("Mit CPR er [")  # type: ignore[index]
    assert {r["field"] for r in first["redactions"]} == {"text"}  # type: ignore[attr-defined]
    assert bagit.Bag(str(tmp_path / "bag")).is_valid()


def test_only_the_chosen_dialogue_is_exported(
    tmp_path: Path,
    contributions: list[Post],
    make_dialogue: Callable[..., Dialogue],
    contribute: Callable[..., Post],
) -> None:
    other = make_dialogue(slug="skolevej", case_number="17.02.00-A00-1-26")
    contribute(other, "En anden sag")
    _export(tmp_path / "bag", "--dialogue", "skolevej")
    entries = _json_entries(tmp_path / "bag")
    assert entries
    assert {entry["dialogue"] for entry in entries} == {"skolevej"}
    assert {entry["case_number"] for entry in entries} == {"17.02.00-A00-1-26"}


def test_an_unknown_dialogue_is_a_clear_error(tmp_path: Path, contributions: list[Post]) -> None:
    with pytest.raises(CommandError, match="no dialogue with the address 'nope'"):
        _export(tmp_path / "bag", "--dialogue", "nope")
    assert not list(tmp_path.iterdir())


def test_an_existing_folder_or_a_missing_parent_is_refused(
    tmp_path: Path, contributions: list[Post]
) -> None:
    (tmp_path / "taken").mkdir()
    with pytest.raises(CommandError, match="already exists"):
        _export(tmp_path / "taken")
    with pytest.raises(CommandError, match="does not exist"):
        _export(tmp_path / "missing" / "bag")
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]
    assert not list((tmp_path / "taken").iterdir())


@contextmanager
def disk_nearly_full() -> Iterator[None]:
    """Files may grow to 4 KiB and no further: what a full disk looks like to the writer.

    The limit is process-wide, so it is held only around the export itself: anything else that
    writes a file meanwhile (pytest's report into a CI log already past 4 KiB) would fail too."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def test_a_full_disk_leaves_no_half_written_bag(
    tmp_path: Path,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
) -> None:
    for number in range(40):
        contribute(open_dialogue, f"Indlæg {number}: " + "cykelsti " * 40)
    entries_before = ArchiveEntry.objects.count()
    with disk_nearly_full(), pytest.raises(ExportError, match="could not be written"):
        write_bag(
            entries=ArchiveEntry.objects.all(),
            out=tmp_path / "bag",
            description="test",
            organisation_name="Testby Kommune",
            language="en",
        )
    assert list(tmp_path.iterdir()) == []
    assert ArchiveEntry.objects.count() == entries_before


def test_a_manual_span_outside_the_text_is_refused(
    tmp_path: Path, contributions: list[Post]
) -> None:
    entry = ArchiveEntry.objects.get(subject_type="contribution", subject_id=contributions[2].pk)
    text = "Linjeføring B er tryggest."
    with pytest.raises(SpanOutsideText):
        write_bag(
            entries=ArchiveEntry.objects.filter(seq=entry.seq),
            out=tmp_path / "bag",
            description="test",
            organisation_name="Testby Kommune",
            language="en",
            manual={(entry.seq, "text"): [Span(10, len(text) + 5, "private matters")]},
        )
    assert list(tmp_path.iterdir()) == []


def test_a_manual_span_names_its_ground(tmp_path: Path, contributions: list[Post]) -> None:
    entry = ArchiveEntry.objects.get(subject_type="contribution", subject_id=contributions[2].pk)
    write_bag(
        entries=ArchiveEntry.objects.filter(seq=entry.seq),
        out=tmp_path / "bag",
        description="test",
        organisation_name="Testby Kommune",
        language="en",
        manual={(entry.seq, "text"): [Span(0, 11, "offentlighedsloven § 30, nr. 1")]},
    )
    (released,) = _json_entries(tmp_path / "bag")
    assert released["content"]["text"] == (  # type: ignore[index]
        "[redacted: offentlighedsloven § 30, nr. 1] B er tryggest."
    )
    assert released["redactions"] == [
        {"field": "text", "start": 0, "end": 11, "ground": "offentlighedsloven § 30, nr. 1"}
    ]


def test_a_subject_access_export_holds_everything_about_one_person(
    tmp_path: Path,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    alice: object,
) -> None:
    from torget.moderation.actions import reject_contribution

    theirs = contribute(open_dialogue, "Linjeføring A", email="Carla@Example.org")
    contribute(open_dialogue, "Linjeføring B", email="dennis@example.org")
    reject_contribution(contribution=theirs, moderator=alice, rule_codes=["RESPECT"])  # type: ignore[arg-type]

    stdout = StringIO()
    call_command(
        "archive",
        "subject-access",
        "--email",
        "carla@example.org",
        "--out",
        str(tmp_path / "carla"),
        stdout=stdout,
        stderr=StringIO(),
    )

    bagit.Bag(str(tmp_path / "carla")).validate()
    entries = _json_entries(tmp_path / "carla")
    assert [(e["kind"], e["reference"]) for e in entries] == [
        (EntryKind.CONTRIBUTION_RECEIVED, theirs.reference),
        (EntryKind.DECISION, theirs.reference),
    ]
    assert "dennis@example.org" not in (tmp_path / "carla" / "data" / "entries.json").read_text()
    last = ArchiveEntry.objects.order_by("seq").last()
    assert last is not None and last.kind == EntryKind.SUBJECT_ACCESS
