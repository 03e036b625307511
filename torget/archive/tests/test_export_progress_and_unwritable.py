"""`torget archive export` shows its progress on large exports (on standard error, so the
result on standard output stays clean), and an export into a folder it may not write in fails
cleanly: a clear error, nothing left behind, nothing archived as exported."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import bagit
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from torget.archive.actions import NewEntry, append_many
from torget.archive.models import ArchiveEntry, EntryKind
from torget.dialogues.models import Dialogue

NOBODY = 65534


def _import(dialogue: Dialogue, count: int) -> None:
    at = timezone.now()
    with transaction.atomic():
        append_many(
            [
                NewEntry(
                    kind=EntryKind.CONTRIBUTION_RECEIVED,
                    at=at,
                    dialogue=dialogue,
                    subject_type="contribution",
                    subject_id=n,
                    content={"text": f"Importeret kommentar {n}"},
                    search_text=f"Importeret kommentar {n}",
                )
                for n in range(count)
            ]
        )


def test_a_large_export_shows_its_progress_and_keeps_stdout_clean(
    tmp_path: Path, open_dialogue: Dialogue, capfd: pytest.CaptureFixture[str]
) -> None:
    _import(open_dialogue, 2500)
    total = ArchiveEntry.objects.count()
    stdout = StringIO()

    call_command("archive", "export", "--out", str(tmp_path / "bag"), stdout=stdout)

    progress = capfd.readouterr().err
    steps = [
        int(done.replace(",", "")) for done, _ in re.findall(r"([\d,]+)/([\d,]+) entries", progress)
    ]
    assert steps[0] < total  # shown while it runs, not only at the end
    assert steps == sorted(steps) and steps[-1] == total
    assert f"{total:,}/{total:,} entries" in progress
    assert stdout.getvalue().startswith(f"exported {total:,} entries to ")
    assert "\r" not in stdout.getvalue()
    bagit.Bag(str(tmp_path / "bag")).validate()


@contextmanager
def as_nobody_if_root() -> Iterator[None]:
    """Root writes anywhere, so as root the process acts as 'nobody' (the effective user id)
    while the export runs: the permission checks below are then the kernel's own."""
    as_root = os.geteuid() == 0
    if as_root:
        os.seteuid(NOBODY)
    try:
        yield
    finally:
        if as_root:
            os.seteuid(0)


@pytest.fixture
def reachable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder every user may enter (pytest's own temporary folders are root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="torget-export-"))
    folder.chmod(0o755)
    yield folder
    for path in (folder, *folder.rglob("*")):
        if path.is_dir():
            path.chmod(0o755)
    shutil.rmtree(folder)


def _export_refused(out: Path) -> str:
    with as_nobody_if_root(), pytest.raises(CommandError) as refusal:
        call_command("archive", "export", "--out", str(out), stdout=StringIO(), stderr=StringIO())
    return str(refusal.value)


def test_a_folder_without_write_permission_is_refused_and_nothing_is_left(
    reachable: Path, open_dialogue: Dialogue
) -> None:
    _import(open_dialogue, 3)
    locked = reachable / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    entries_before = ArchiveEntry.objects.count()

    assert f"Cannot write in {locked}" in _export_refused(locked / "bag")

    assert list(locked.iterdir()) == []
    assert ArchiveEntry.objects.count() == entries_before
    assert not ArchiveEntry.objects.filter(kind=EntryKind.EXPORT).exists()


def test_a_folder_that_cannot_be_entered_is_refused_cleanly(
    reachable: Path, open_dialogue: Dialogue
) -> None:
    _import(open_dialogue, 3)
    closed = reachable / "closed"
    (closed / "inside").mkdir(parents=True)
    closed.chmod(0o700)  # its owner's alone
    entries_before = ArchiveEntry.objects.count()

    message = _export_refused(closed / "inside" / "bag")

    assert "Cannot write in" in message and "Permission denied" in message
    closed.chmod(0o755)
    assert list((closed / "inside").iterdir()) == []
    assert ArchiveEntry.objects.count() == entries_before
