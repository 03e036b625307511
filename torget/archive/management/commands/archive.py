"""``torget archive verify|export``: check the public-records chain, export entries as a bag."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from torget.accounts.models import Organisation
from torget.archive.actions import DisposalRefused, append_entry, apply_retention, dispose
from torget.archive.chain import verify_chain
from torget.archive.export import ExportError, write_bag
from torget.archive.models import ArchiveEntry, Channel, EntryKind
from torget.archive.records import export_subject_access


class Command(BaseCommand):
    help = "Verify the archive's hash chain, or export archive entries as a BagIt bag."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        verify = commands.add_parser(
            "verify", help="walk the whole chain; exit 1 and name the first broken entry"
        )
        verify.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="processes checking parts of the chain at once (default: one per core)",
        )
        export = commands.add_parser("export", help="write entries as a BagIt bag (RFC 8493)")
        export.add_argument("--out", type=Path, required=True, help="new folder for the bag")
        export.add_argument("--dialogue", metavar="SLUG", help="only this dialogue's entries")
        export.add_argument(
            "--redact",
            action="store_true",
            help="mask national ID numbers, e-mail addresses and phone numbers",
        )
        access = commands.add_parser(
            "subject-access",
            help="export everything kept about one person (by e-mail) as a BagIt bag",
        )
        access.add_argument("--email", required=True)
        access.add_argument("--out", type=Path, required=True, help="new folder for the bag")
        commands.add_parser(
            "retention",
            help="dispose of content whose retention period has ended (held material is kept)",
        )
        dispose = commands.add_parser(
            "dispose", help="dispose of the content of chosen entries (refused when held)"
        )
        dispose.add_argument("--entry", type=int, action="append", required=True, metavar="SEQ")
        dispose.add_argument("--basis", required=True, help="the retention decision applied")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "verify":
            self.verify(options)
        elif action == "export":
            self.export(options)
        elif action == "subject-access":
            self.subject_access(options)
        elif action == "retention":
            outcome = apply_retention()
            self.stdout.write(
                f"disposed of the content of {outcome.disposed:,} entries "
                f"({outcome.tombstones:,} disposal records); {outcome.held:,} kept under a hold"
            )
        else:
            self.dispose(options)

    def subject_access(self, options: dict[str, Any]) -> None:
        organisation = Organisation.objects.first()
        if organisation is None:
            raise CommandError("there is no organisation in this database")
        try:
            result = export_subject_access(
                organisation=organisation,
                email=options["email"],
                out=options["out"],
                actor=None,
                progress=lambda done, total: self._progress_line(f"{done:,}/{total:,} entries"),
            )
        except ExportError as error:
            raise CommandError(str(error)) from error
        sys.stderr.write("\n")
        self.stdout.write(f"exported {result.entries:,} entries about the person to {result.path}")

    def dispose(self, options: dict[str, Any]) -> None:
        wanted = sorted(set(options["entry"]))
        entries = list(ArchiveEntry.objects.filter(seq__in=wanted))
        unknown = sorted(set(wanted) - {entry.seq for entry in entries})
        if unknown:
            raise CommandError(f"no archive entry #{unknown[0]}")
        try:
            tombstone = dispose(entries=entries, actor=None, basis=options["basis"])
        except DisposalRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        if tombstone is None:
            self.stdout.write(
                "nothing to dispose of: the content is already gone or was never kept"
            )
        else:
            self.stdout.write(f"disposed; the disposal is recorded as entry #{tombstone.seq}")

    def _progress_line(self, text: str) -> None:
        # Progress goes to stderr and rewrites one line, so the result on stdout stays clean.
        stream = sys.stderr
        stream.write(f"\r{text}")
        stream.flush()

    def verify(self, options: dict[str, Any]) -> None:
        total = ArchiveEntry.objects.count()
        report = verify_chain(
            workers=options["workers"],
            progress=lambda done, last: self._progress_line(f"{done:,}/{last:,} entries"),
        )
        if total:
            sys.stderr.write("\n")
        if report.problem is not None:
            raise CommandError(
                f"archive chain BROKEN at entry #{report.problem.seq}: {report.problem.message}"
                f" ({report.checked:,} entries before it are intact)",
                returncode=1,
            )
        self.stdout.write(
            f"archive chain intact: {report.checked:,} entries checked, "
            f"{report.contents_checked:,} contents match their hashes, "
            f"{report.disposed:,} disposed; last hash {report.last_hash}"
        )

    def export(self, options: dict[str, Any]) -> None:
        entries = ArchiveEntry.objects.all()
        dialogue = None
        if options["dialogue"]:
            # The archive knows its dialogues through its own entries (it sits below them).
            named = (
                ArchiveEntry.objects.filter(dialogue__slug=options["dialogue"])
                .select_related("dialogue__organisation")
                .first()
            )
            if named is None or named.dialogue is None:
                raise CommandError(f"no dialogue with the address {options['dialogue']!r}")
            dialogue = named.dialogue
            entries = entries.filter(dialogue=dialogue)
        organisation = dialogue.organisation if dialogue else Organisation.objects.first()
        name = organisation.name if organisation else ""
        language = organisation.default_language if organisation else settings.LANGUAGE_CODE
        description = (
            f"Archive entries of the dialogue {dialogue.slug}" if dialogue else "Archive entries"
        )
        try:
            result = write_bag(
                entries=entries,
                out=options["out"],
                description=description,
                organisation_name=name,
                language=language,
                redact_automatic=options["redact"],
                progress=lambda done, total: self._progress_line(f"{done:,}/{total:,} entries"),
            )
        except ExportError as error:
            raise CommandError(str(error)) from error
        sys.stderr.write("\n")
        with transaction.atomic():
            append_entry(
                kind=EntryKind.EXPORT,
                at=timezone.now(),
                dialogue=dialogue,
                organisation=organisation,
                channel=Channel.STAFF,
                data={
                    "entries": result.entries,
                    "redacted_automatically": options["redact"],
                    "manifest": result.files,
                    "via": "command line",
                },
            )
        self.stdout.write(
            f"exported {result.entries:,} entries to {result.path} "
            f"({result.payload_bytes:,} bytes of payload)"
        )
