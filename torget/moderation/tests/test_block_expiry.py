"""A block needs no job to end: it stops applying at its end time. `torget tick` then writes
the end into the archive, once."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from torget.accounts.models import User
from torget.archive.models import ArchiveEntry, EntryKind
from torget.dialogues.models import Post
from torget.moderation import actions
from torget.moderation.models import Block, BlockScope
from torget.moderation.queries import block_in_force


def _block(contribution: Post, moderator: User, *, days: int) -> Block:
    return actions.impose_block(
        contribution=contribution,
        moderator=moderator,
        scope=BlockScope.DIALOGUE,
        rule_codes=["RESPECT"],
        reasons="Personangreb.",
        ends_at=timezone.now() + timedelta(days=days),
        restoration="Af sig selv.",
        complaint="Til dialog@testby.example.",
    )


def test_the_end_is_recorded_once_after_it_has_passed(alice: User, rejected: Post) -> None:
    block = _block(rejected, alice, days=2)
    later = block.ends_at + timedelta(hours=1)

    # Before the end nothing is recorded; after it, the block no longer applies either way.
    assert actions.record_ended_blocks(now=block.ends_at - timedelta(seconds=1)) == 0
    assert (
        block_in_force(
            organisation_id=block.organisation_id,
            dialogue_id=rejected.dialogue_id,
            email=rejected.email,
            now=later,
        )
        is None
    )

    assert actions.record_ended_blocks(now=later) == 1
    assert actions.record_ended_blocks(now=later) == 0

    entry = ArchiveEntry.objects.get(kind=EntryKind.BLOCK_ENDED)
    assert entry.at == block.ends_at  # recorded at the time it ended, not when noticed
    assert entry.actor is None
    assert '"ended":"expired"' in entry.canonical
    block.refresh_from_db()
    assert block.end_recorded_at == later


def test_a_lifted_block_is_not_recorded_again(alice: User, rejected: Post) -> None:
    block = _block(rejected, alice, days=1)
    actions.lift_block(block=block, moderator=alice, reason="Fejl.")
    assert actions.record_ended_blocks(now=block.ends_at + timedelta(days=1)) == 0
    assert ArchiveEntry.objects.filter(kind=EntryKind.BLOCK_ENDED).count() == 1


def test_tick_records_ended_blocks(alice: User, rejected: Post) -> None:
    block = _block(rejected, alice, days=1)
    Block.objects.filter(pk=block.pk).update(
        imposed_at=timezone.now() - timedelta(days=3), ends_at=timezone.now() - timedelta(days=2)
    )
    out = StringIO()
    call_command("tick", stdout=out)
    assert "1 ended block(s) recorded" in out.getvalue()
    call_command("tick", stdout=StringIO())
    assert ArchiveEntry.objects.filter(kind=EntryKind.BLOCK_ENDED).count() == 1
