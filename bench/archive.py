"""Benchmark: the public-records archive at size.

1. Makes a fresh SQLite database in a temporary folder (or uses ``--database-url``, which must
   name a fresh, empty PostgreSQL database) and migrates it, then builds one authority and an
   open dialogue through the real actions.
2. Appends ``--entries`` entries (default 1,000,000), each a received contribution with its
   text stored apart and chained by SHA-256: the first ``--single`` one per transaction
   through ``append_many([entry])`` (exactly what ``append_entry`` does), as submissions
   append them (that rate is reported); the rest through ``append_many`` in batches of
   ``--batch``, as an import of many items does (the same records, built by the same code;
   only the locking and inserts are batched).
3. Verifies the whole chain with the real ``verify_chain`` (what ``torget archive verify``
   runs, with ``--workers`` processes, default one per core), which must report every entry
   intact.
4. Searches ``--searches`` times through the records officer's ``search_entries`` (a word,
   a word with a date range, a reference), taking the first page and the count capped at
   1,000, as the page does; reports p50/p95.
5. Exports the newest ``--export`` entries (default 10,000) as a BagIt bag with automatic
   redaction via the real ``write_bag``, then validates the bag with the ``bagit`` package
   (validation is timed separately; the target is for the export).

Prints the figures and ends with one JSON line. Run from the repository root:
``.venv/bin/python bench/archive.py`` (``--help``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from benchkit import latency_summary, machine_facts, machine_load, wait_for_quiet

REPO = Path(__file__).resolve().parent.parent
VERIFY_TARGET_S = 30.0
SEARCH_P95_TARGET_MS = 200.0
EXPORT_TARGET_S = 30.0
WORDS = (
    "cykelsti",
    "belysning",
    "tunnelen",
    "skolevej",
    "træerne",
    "ladcykler",
    "krydset",
    "legepladsen",
    "parkering",
    "busstoppested",
)
FILLER = (
    "Jeg cykler her hver dag og synes det er vigtigt.",
    "Husk plads til barnevogne og kørestole.",
    "Det er farligt i myldretiden, især for børn.",
    "Tak for at I spørger borgerne om det her.",
    "Man kunne også se på en anden løsning ved åen.",
)


def say(text: str = "") -> None:
    print(text, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument(
        "--single", type=int, default=5_000, help="entries appended one per transaction"
    )
    parser.add_argument("--batch", type=int, default=5_000, help="entries per append_many")
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--export", type=int, default=10_000, help="entries to export")
    parser.add_argument("--database-url", help="a fresh, empty PostgreSQL database")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="processes for the chain check (as torget archive verify; default one per core)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure verify, search and export on the archive an earlier run built in "
        "--database-url (a PostgreSQL database is never dropped), without appending",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        help="after appending, wait up to this many seconds for CPU pressure below 10%% "
        "before measuring verify, search and export",
    )
    return parser.parse_args(argv)


def text_for(rng: random.Random, n: int) -> str:
    words = rng.sample(WORDS, 2)
    filler = " ".join(rng.sample(FILLER, 2))
    return f"Om {words[0]} og {words[1]}: {filler} (nr. {n})"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="torget-bench-archive-"))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DEBUG", "true")
    os.environ["DJANGO_SETTINGS_MODULE"] = "torget.settings"
    try:
        if args.reuse and not args.database_url:
            say("--reuse needs --database-url (an archive an earlier run built)")
            return 2
        subprocess.run(
            [sys.executable, "-m", "torget", "migrate", "--no-input", "-v0"],
            check=True,
            cwd=REPO,
        )
        import django

        django.setup()
        return run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace, workdir: Path) -> int:
    import bagit
    from django.db import reset_queries

    logging.getLogger("bagit").setLevel(logging.WARNING)  # it logs every file it checks
    from django.db import transaction
    from django.utils import timezone

    from torget.accounts.models import Committee, Organisation, User
    from torget.archive.actions import NewEntry, append_many
    from torget.archive.chain import verify_chain
    from torget.archive.export import write_bag
    from torget.archive.models import ArchiveEntry, EntryKind
    from torget.archive.queries import ArchiveSearch, CappedPaginator, search_entries
    from torget.dialogues.actions import create_dialogue
    from torget.dialogues.models import ModerationMode, ParticipationLevel, PostStatus

    rng = random.Random(args.seed)
    facts = machine_facts()
    load_before = machine_load()
    say(f"machine: {facts['cpu']} ({facts['cores']} cores), {facts['database']}")

    def build() -> tuple[Organisation, datetime, int, dict[str, Any]]:
        organisation = Organisation.objects.create(
            name="Bench Kommune",
            slug="bench",
            country="DK",
            default_language="da",
            time_zone="Europe/Copenhagen",
            contact_email="bench@bench.example",
            customer_service_email="service@bench.example",
        )
        committee = Committee.objects.create(organisation=organisation, name="Teknik og Miljø")
        owner = User.objects.create(username="owner", organisation=organisation)
        now = timezone.now()
        dialogue = create_dialogue(
            organisation=organisation,
            owner=owner,
            card={
                "slug": "bench",
                "title": "Bench",
                "assignment": "Bench",
                "commissioned_by": committee,
                "participation_level": ParticipationLevel.CONSULT,
                "open_to_influence": "Alt",
                "not_open_to_influence": "",
                "input_handling": "Læses",
                "opens_at": now - timedelta(days=400),
                "closes_at": now + timedelta(days=7),
                "feedback_due": (now + timedelta(days=30)).date(),
                "case_number": "24.05.00-P20-3-26",
                "moderation_mode": ModerationMode.PRE,
            },
        )

        # 2. Append: one at a time (as submissions do), then in batches (as an import does).
        start_at = now - timedelta(days=365)
        step = timedelta(days=365) / max(args.entries, 1)

        def new_entry(n: int) -> NewEntry:
            text = text_for(rng, n)
            return NewEntry(
                kind=EntryKind.CONTRIBUTION_RECEIVED,
                at=start_at + step * n,
                dialogue=dialogue,
                subject_type="contribution",
                subject_id=n,
                subject_ref=f"T-{n:09d}",
                status=PostStatus.PENDING,
                data={"language": "da"},
                content={"display_name": f"Borger {n}", "text": text, "email": ""},
                search_text=f"Borger {n}\n{text}",
            )

        singles = min(args.single, args.entries)
        say(f"appending {singles:,} entries one per transaction (append_entry) …")
        started = time.perf_counter()
        for n in range(1, singles + 1):
            new = new_entry(n)
            with transaction.atomic():
                append_many([new])  # exactly what append_entry does
            if n % 1000 == 0:
                reset_queries()  # DEBUG keeps every query in memory otherwise
        single_seconds = time.perf_counter() - started
        say(f"  {singles / single_seconds:,.0f} appends/s one by one")
        rest = args.entries - singles
        say(f"appending {rest:,} more in batches of {args.batch:,} (append_many) …")
        started = time.perf_counter()
        appended = singles
        while appended < args.entries:
            batch = [
                new_entry(n)
                for n in range(appended + 1, min(appended + args.batch, args.entries) + 1)
            ]
            with transaction.atomic():
                append_many(batch)
            appended += len(batch)
            reset_queries()
            if appended % (args.batch * 50) == 0:
                rate = (appended - singles) / (time.perf_counter() - started)
                say(f"  {appended:,} appended ({rate:,.0f}/s)")
        batch_seconds = time.perf_counter() - started
        batched_rate = (appended - singles) / batch_seconds
        say(f"appended {appended:,}; batches ran at {batched_rate:,.0f}/s")
        figures = {
            "append_one_by_one_per_s": round(singles / single_seconds, 1),
            "append_one_by_one_count": singles,
            "append_batched_per_s": round((appended - singles) / max(batch_seconds, 1e-9), 1),
        }
        return organisation, start_at, appended, figures

    if args.reuse:
        organisation = Organisation.objects.get(slug="bench")
        first = ArchiveEntry.objects.filter(kind=EntryKind.CONTRIBUTION_RECEIVED).earliest("seq")
        start_at = first.at
        appended = ArchiveEntry.objects.filter(kind=EntryKind.CONTRIBUTION_RECEIVED).count()
        append_figures: dict[str, Any] = {"reused": True}
        say(f"reusing the archive in the database: {appended:,} entries")
    else:
        organisation, start_at, appended, append_figures = build()
    total = ArchiveEntry.objects.count()
    from django.db import connection

    if connection.vendor == "postgresql":
        # Autovacuum would gather the statistics after a bulk append like this, but on a busy
        # machine not before the searches start; without them the planner takes the
        # organisation's million entries for a few thousand and walks every one of them for a
        # common word.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    waited = 0.0
    if args.wait_quiet > 0:
        waited = wait_for_quiet(args.wait_quiet)
        say(f"waited {waited:.0f} s for a quiet machine: {machine_load()}")
    load_measured = machine_load()

    # 3. Verify.
    started = time.perf_counter()
    report = verify_chain(workers=args.workers)
    verify_seconds = time.perf_counter() - started
    if not report.ok or report.checked != total:
        say(f"VERIFY FAILED: {report}")
        return 1
    say(f"verified {report.checked:,} entries in {verify_seconds:.1f} s")

    # 4. Search: a word; a word in a month; a reference. First page + count, as the page does.
    latencies: list[float] = []
    kinds: dict[str, list[float]] = {"word": [], "word+dates": [], "reference": []}
    for n in range(args.searches):
        kind = ("word", "word+dates", "reference")[n % 3]
        if kind == "reference":
            search = ArchiveSearch(text=f"T-{rng.randint(1, appended):09d}")
        elif kind == "word":
            search = ArchiveSearch(text=rng.choice(WORDS))
        else:
            since = (start_at + timedelta(days=rng.randint(0, 330))).date()
            search = ArchiveSearch(
                text=rng.choice(WORDS), since=since, until=since + timedelta(days=30)
            )
        started = time.perf_counter()
        # What the records officer's page does: the first page and a count capped at 1,000.
        paginator = CappedPaginator(search_entries(organisation, search), 25)
        first_page = list(paginator.get_page(1).object_list)
        count = paginator.count
        elapsed = time.perf_counter() - started
        if not first_page or count < len(first_page):
            say(f"SEARCH FOUND NOTHING for {search}")
            return 1
        latencies.append(elapsed)
        kinds[kind].append(elapsed)
    search_summary = latency_summary(latencies)
    say(f"search ({args.searches}): {search_summary}")

    # 5. Export the newest entries with redaction, then validate the bag.
    newest = ArchiveEntry.objects.filter(seq__gt=total - args.export)
    started = time.perf_counter()
    result = write_bag(
        entries=newest,
        out=workdir / "bag",
        description="bench",
        organisation_name=organisation.name,
        language="da",
        redact_automatic=True,
    )
    export_seconds = time.perf_counter() - started
    started = time.perf_counter()
    bagit.Bag(str(result.path)).validate()
    validate_seconds = time.perf_counter() - started
    say(
        f"exported {result.entries:,} entries ({result.payload_bytes:,} bytes) in "
        f"{export_seconds:.1f} s; bagit validated it in {validate_seconds:.1f} s"
    )

    figures: dict[str, Any] = {
        "benchmark": "archive",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": facts,
        "load_before": load_before,
        "waited_for_quiet_s": round(waited),
        "load_at_verify": load_measured,
        "load_after": machine_load(),
        "entries": total,
        **append_figures,
        "verify_s": round(verify_seconds, 2),
        "verify_workers": args.workers,
        "verify_target_s": VERIFY_TARGET_S,
        "search": search_summary,
        "search_by_kind": {kind: latency_summary(values) for kind, values in kinds.items()},
        "search_p95_target_ms": SEARCH_P95_TARGET_MS,
        "export_entries": result.entries,
        "export_s": round(export_seconds, 2),
        "export_target_s": EXPORT_TARGET_S,
        "bag_validate_s": round(validate_seconds, 2),
        "today": date.today().isoformat(),
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
