"""The evidence package for the police: a zipped BagIt bag that validates, with the original
text and metadata, every archive entry about the post with its hash, and a chain proof whose
hashes and links can be recomputed from the bag alone. Making it is archived too."""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bagit
import pytest
from django.test import Client

from torget.accounts.models import User
from torget.archive.models import ArchiveEntry, EntryKind
from torget.dialogues.models import Dialogue, Post
from torget.moderation import actions
from torget.moderation.models import ThreatMark

StaffAs = Callable[[User], Client]
THREAT = "Jeg ved hvor du bor, Bob."


@pytest.fixture
def threat(
    alice: User,
    bob: User,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
) -> ThreatMark:
    contribution = contribute(open_dialogue, THREAT, display_name="Anonym", email="x@example.org")
    # Other people's posts arrive in between: their links are in the proof, their records not.
    contribute(open_dialogue, "Et helt andet indlæg.")
    mark = actions.mark_threat(contribution=contribution, politician=bob, moderator=alice)
    actions.reject_contribution(contribution=contribution, moderator=alice, rule_codes=["THREATS"])
    return mark


def _download(client: Client, threat: ThreatMark, into: Path) -> tuple[Path, bytes]:
    response = client.post(f"/staff/moderation/threats/{threat.pk}/evidence/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert threat.contribution.reference in response["Content-Disposition"]
    payload = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(payload)) as bundle:
        bundle.extractall(into)
    [bag] = list(into.iterdir())
    return bag, payload


def test_the_records_officer_exports_a_bag_whose_chain_proof_recomputes(
    rita: User, threat: ThreatMark, staff_as: StaffAs, tmp_path: Path
) -> None:
    bag_path, payload = _download(staff_as(rita), threat, tmp_path)

    # The bag validates with the bagit package's own validator, chain proof included.
    bag = bagit.Bag(str(bag_path))
    bag.validate()
    assert "data/chain-proof.json" in set(bag.payload_files())

    entries: list[dict[str, Any]] = json.loads(
        (bag_path / "data" / "entries.json").read_text(encoding="utf-8")
    )["entries"]
    kinds = [entry["kind"] for entry in entries]
    assert kinds[0] == EntryKind.CONTRIBUTION_RECEIVED
    assert EntryKind.THREAT_MARKED in kinds
    assert EntryKind.DECISION in kinds
    assert entries[0]["content"]["text"] == THREAT  # the original, unredacted
    assert entries[0]["content"]["display_name"] == "Anonym"

    proof = json.loads((bag_path / "data" / "chain-proof.json").read_text(encoding="utf-8"))
    assert proof["verification"]["ok"] is True
    records = {record["seq"]: record["canonical"] for record in proof["records"]}
    assert set(records) == {entry["seq"] for entry in entries}

    # Each of the bag's entries: its record hashes to its hash and names the one before it.
    for entry in entries:
        canonical = records[entry["seq"]]
        assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == entry["entry_hash"]
        record = json.loads(canonical)
        assert (record["seq"], record["prev"]) == (entry["seq"], entry["prev_hash"])

    # The links run unbroken from the first entry to the chain head.
    links = proof["links"]
    assert links[0]["seq"] == proof["first_seq"] == entries[0]["seq"]
    for before, after in itertools.pairwise(links):
        assert after["seq"] == before["seq"] + 1
        assert after["prev_hash"] == before["entry_hash"]
    assert (links[-1]["seq"], links[-1]["entry_hash"]) == (proof["head_seq"], proof["head_hash"])
    by_seq = {link["seq"]: link for link in links}
    for entry in entries:
        assert by_seq[entry["seq"]]["entry_hash"] == entry["entry_hash"]
    # Someone else's post is linked but its record is not in the package.
    assert len(links) > len(entries)
    assert "Et helt andet indlæg." not in json.dumps(proof, ensure_ascii=False)

    # The export is archived with the SHA-256 of exactly what was handed over.
    exported = ArchiveEntry.objects.get(kind=EntryKind.EVIDENCE_EXPORTED)
    assert exported.actor == rita
    assert json.loads(exported.canonical)["data"]["zip_sha256"] == (
        hashlib.sha256(payload).hexdigest()
    )


def test_the_action_writes_the_same_package(
    alice: User, threat: ThreatMark, tmp_path: Path
) -> None:
    buffer = io.BytesIO()
    export = actions.export_evidence(threat=threat, actor=alice, into=buffer)
    assert export.chain_ok
    assert export.sha256 == hashlib.sha256(buffer.getvalue()).hexdigest()
    assert export.filename.startswith(f"evidence-{threat.contribution.reference}-")
    with zipfile.ZipFile(buffer) as bundle:
        bundle.extractall(tmp_path)
    bagit.Bag(str(next(tmp_path.iterdir()))).validate()


@pytest.mark.parametrize("who", ["bob", "olga"])
def test_politicians_and_dialogue_owners_cannot_export(
    who: str, request: pytest.FixtureRequest, threat: ThreatMark, staff_as: StaffAs
) -> None:
    person: User = request.getfixturevalue(who)
    response = staff_as(person).post(f"/staff/moderation/threats/{threat.pk}/evidence/")
    assert response.status_code == 403
    assert not ArchiveEntry.objects.filter(kind=EntryKind.EVIDENCE_EXPORTED).exists()
