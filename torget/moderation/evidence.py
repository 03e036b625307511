"""The chain proof that goes into a police evidence package.

The bag's entries carry their hashes, but a hash proves little alone: the police must be able
to see that each entry sits in the authority's unbroken chain. The proof lists every link
(sequence number, previous hash, own hash) from the first entry about the contribution up to
the chain head when the package was made, and the canonical record of each of the bag's own
entries, whose SHA-256 is its hash and which names the hash before it. The records of the
other entries in between concern other people and are left out (data minimisation); their
links are listed and the result of verifying the whole chain is included.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from torget.archive.chain import VerifyReport
from torget.archive.models import GENESIS_HASH, ArchiveEntry

_BATCH = 5000


def chain_proof(
    *, entries: QuerySet[ArchiveEntry], head_seq: int, report: VerifyReport, now: datetime
) -> bytes:
    """The proof as UTF-8 JSON, for the entries of one evidence package."""
    own = dict(entries.order_by("seq").values_list("seq", "canonical"))
    first_seq = min(own) if own else head_seq
    links: list[dict[str, Any]] = []
    after = first_seq - 1
    while True:
        batch = list(
            ArchiveEntry.objects.filter(seq__gt=after, seq__lte=head_seq)
            .order_by("seq")
            .values_list("seq", "prev_hash", "entry_hash")[:_BATCH]
        )
        if not batch:
            break
        links += [{"seq": s, "prev_hash": p, "entry_hash": h} for s, p, h in batch]
        after = batch[-1][0]
    document = {
        "about": _(
            "Each archive entry's hash is the SHA-256 of the UTF-8 bytes of its canonical "
            "record. The record names the hash of the entry before it ('prev') and its place "
            "in the chain ('seq'). Recompute the hash of each record below, check that it "
            "matches the entry in entries.json, and check that every link's previous hash is "
            "the hash of the link before it, up to the chain head."
        ),
        "algorithm": "sha256",
        "genesis_hash": GENESIS_HASH,
        "made_at": now.isoformat(),
        "first_seq": first_seq,
        "head_seq": head_seq,
        "head_hash": links[-1]["entry_hash"] if links else GENESIS_HASH,
        "links": links,
        "records": [{"seq": seq, "canonical": canonical} for seq, canonical in own.items()],
        "verification": {
            "ok": report.ok,
            "entries_checked": report.checked,
            "contents_checked": report.contents_checked,
            "contents_disposed": report.disposed,
            "last_hash": report.last_hash,
            "problem": (
                {"seq": report.problem.seq, "message": report.problem.message}
                if report.problem
                else None
            ),
        },
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
