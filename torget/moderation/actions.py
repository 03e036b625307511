"""Every moderation write: rule sets, decisions, reviews, blocks and threats.

A decision is a new row; the contribution's status beside its (unchanged) text follows it, and
a review that overturns a decision adds another decision rather than editing the first. The
author (or the blocked participant, or the threatened politician) is told after commit.
Each refusal below is named: it describes what the form could not see -- someone else acting
first, or the clock -- and changes nothing.
"""

from __future__ import annotations

import hashlib
import tempfile
import zipfile
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from torget.accounts.models import Country, Organisation, User
from torget.archive.actions import append_entry, place_hold, release_hold
from torget.archive.chain import verify_chain
from torget.archive.export import write_bag
from torget.archive.models import ArchiveEntry, ChainHead, Channel, EntryKind, HoldReason
from torget.core.mail import send_on_commit
from torget.dialogues.models import AWAITING_STATUSES, Post, PostStatus
from torget.moderation import channels
from torget.moderation.evidence import chain_proof
from torget.moderation.models import (
    Block,
    BlockScope,
    Decision,
    DecisionKind,
    ReviewOutcome,
    ReviewRequest,
    Rule,
    ThreatDisclosure,
    ThreatMark,
)
from torget.moderation.queries import rule_set_in_force, rules_cited
from torget.moderation.tokens import review_request_token
from torget.screening.flags import Priority

# Decisions that keep a contribution from being published; the author may ask for a review.
REVIEWABLE_KINDS = (DecisionKind.REJECT, DecisionKind.REFER)


class AlreadyDecided(Exception):
    """Another moderator decided first; nothing was changed."""

    def __init__(self, decision: Decision | None) -> None:
        super().__init__("already decided")
        self.decision = decision


class NotReviewable(Exception):
    """The decision published the contribution, or a later decision replaced it."""


class ReviewAlreadyRequested(Exception):
    """There is one review per decision, and this decision has it."""

    def __init__(self, review: ReviewRequest) -> None:
        super().__init__("review already requested")
        self.review = review


class ReviewAlreadyDecided(Exception):
    def __init__(self, review: ReviewRequest) -> None:
        super().__init__("review already decided")
        self.review = review


class OwnDecision(Exception):
    """A review must be decided by someone other than the moderator who made the decision."""


class AlreadyBlocked(Exception):
    def __init__(self, block: Block) -> None:
        super().__init__("already blocked")
        self.block = block


class BlockNotInForce(Exception):
    """The block ran out or was lifted before this lift arrived."""


class ThreatAlreadyMarked(Exception):
    def __init__(self, threat: ThreatMark) -> None:
        super().__init__("threat already marked")
        self.threat = threat


_STATUS_AFTER = {
    DecisionKind.HOLD: PostStatus.HELD,
    DecisionKind.APPROVE: PostStatus.APPROVED,
    DecisionKind.REJECT: PostStatus.REJECTED,
    DecisionKind.REFER: PostStatus.REFERRED,
}

_NOTICE_SUBJECT = {
    DecisionKind.APPROVE: _("Your contribution has been published"),
    DecisionKind.REJECT: _("Your contribution was not published"),
    DecisionKind.REFER: _("Your contribution was passed to customer service"),
}


def _record_decision(
    *,
    locked: Post,
    kind: DecisionKind,
    moderator: User,
    rule_codes: Sequence[str],
    note: str,
    now: datetime,
    extra: dict[str, object] | None = None,
) -> tuple[Decision, list[Rule]]:
    """Add the decision row, move the status beside the text, and archive it. The caller
    holds the contribution's row lock and has checked that the move is allowed."""
    organisation = locked.dialogue.organisation
    rule_set = rule_set_in_force(organisation, at=now)
    rules = rules_cited(rule_set, rule_codes)
    decision = Decision.objects.create(
        contribution=locked,
        kind=kind,
        moderator=moderator,
        decided_at=now,
        rule_set=rule_set,
        note=note,
        referred_to=organisation.customer_service_email if kind == DecisionKind.REFER else "",
    )
    decision.rules.set(rules)
    locked.status = _STATUS_AFTER[kind]
    locked.save(update_fields=["status"])
    append_entry(
        kind=EntryKind.DECISION,
        at=now,
        dialogue=locked.dialogue,
        channel=Channel.STAFF,
        subject_type="contribution",
        subject_id=locked.pk,
        subject_ref=locked.reference,
        status=locked.status,
        actor=moderator,
        data={
            "decision": decision.pk,
            "decision_kind": str(kind),
            "rules": sorted(rule.code for rule in rules),
            "rule_set_version": rule_set.version,
            "referred_to": decision.referred_to,
            **(extra or {}),
        },
        content={"note": note} if note else None,
    )
    # Last, as every action publishes last: the chain head is locked before any stream, in
    # every transaction, so two never wait for each other's locks.
    channels.decided(locked, decision)
    return decision, rules


def _decide(
    *,
    kind: DecisionKind,
    contribution: Post,
    moderator: User,
    rule_codes: Sequence[str],
    note: str,
    now: datetime | None,
    decidable: Sequence[str] = AWAITING_STATUSES,
) -> Decision:
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Post.objects.select_for_update(of=("self",))
            .select_related("dialogue__organisation")
            .get(pk=contribution.pk)
        )
        if locked.status not in decidable:
            raise AlreadyDecided(locked.decisions.select_related("moderator").last())
        organisation = locked.dialogue.organisation
        decision, rules = _record_decision(
            locked=locked,
            kind=kind,
            moderator=moderator,
            rule_codes=rule_codes,
            note=note,
            now=now,
        )
        language = locked.language or organisation.default_language
        if kind == DecisionKind.REFER:
            send_on_commit(
                to=organisation.customer_service_email,
                subject=_("Service request from a citizen dialogue"),
                template="moderation/email/referral.txt",
                context={
                    "contribution": locked,
                    "decision": decision,
                    "organisation": organisation,
                },
                language=organisation.default_language,
            )
        if locked.has_confirmed_email and kind != DecisionKind.HOLD:
            send_on_commit(
                to=locked.email,
                subject=_NOTICE_SUBJECT[kind],
                template="moderation/email/decision_notice.txt",
                context={
                    "contribution": locked,
                    "decision": decision,
                    "rules": rules,
                    "organisation": organisation,
                    "review_path": reverse(
                        "rules:review", kwargs={"token": review_request_token(decision)}
                    )
                    if kind in REVIEWABLE_KINDS
                    else "",
                },
                language=language,
            )
    contribution.status = locked.status
    return decision


def hold_post(*, post: Post, moderator: User, note: str, now: datetime | None = None) -> Decision:
    """Take the post out of public view, or keep it out, while the moderator finds out more.
    It stays in the queue for a decision; its author is not told, as nothing is decided yet.
    ``note`` says why, for the colleague who decides."""
    return _decide(
        kind=DecisionKind.HOLD,
        contribution=post,
        moderator=moderator,
        rule_codes=(),
        note=note,
        now=now,
        decidable=(PostStatus.PENDING, PostStatus.PUBLISHED_UNREVIEWED),
    )


def approve_contribution(
    *,
    contribution: Post,
    moderator: User,
    rule_codes: Sequence[str] = (),
    note: str = "",
    now: datetime | None = None,
) -> Decision:
    return _decide(
        kind=DecisionKind.APPROVE,
        contribution=contribution,
        moderator=moderator,
        rule_codes=rule_codes,
        note=note,
        now=now,
    )


def reject_contribution(
    *,
    contribution: Post,
    moderator: User,
    rule_codes: Sequence[str],
    note: str = "",
    now: datetime | None = None,
    decidable: Sequence[str] = AWAITING_STATUSES,
) -> Decision:
    """Keep the post from publication, citing the rules it breaks. ``decidable``: the statuses
    from which that is still possible -- a channel where approval is not yet publication (a
    live chat, until the answer is out) may allow an approved post too."""
    return _decide(
        kind=DecisionKind.REJECT,
        contribution=contribution,
        moderator=moderator,
        rule_codes=rule_codes,
        note=note,
        now=now,
        decidable=decidable,
    )


def refer_contribution(
    *,
    contribution: Post,
    moderator: User,
    note: str = "",
    now: datetime | None = None,
) -> Decision:
    return _decide(
        kind=DecisionKind.REFER,
        contribution=contribution,
        moderator=moderator,
        rule_codes=(),
        note=note,
        now=now,
    )


def ombudsman(organisation: Organisation) -> str:
    """Where a citizen can complain about the authority's handling once it has looked again."""
    if organisation.country == Country.SWEDEN:
        return str(_("the Parliamentary Ombudsmen (Justitieombudsmannen, www.jo.se)"))
    return str(_("the Parliamentary Ombudsman (Folketingets Ombudsmand, www.ombudsmanden.dk)"))


# Reviews ---------------------------------------------------------------------------------


def request_review(
    *, decision: Decision, reason: str, now: datetime | None = None
) -> ReviewRequest:
    """Register the author's request for a review of ``decision`` (from the signed link in the
    notice). The contribution and its history are held from disposal until it is decided."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Post.objects.select_for_update(of=("self",))
            .select_related("dialogue__organisation")
            .get(pk=decision.contribution_id)
        )
        existing = ReviewRequest.objects.filter(decision=decision).first()
        if existing is not None:
            raise ReviewAlreadyRequested(existing)
        latest = locked.decisions.order_by("decided_at", "pk").last()
        if decision.kind not in REVIEWABLE_KINDS or latest is None or latest.pk != decision.pk:
            raise NotReviewable(decision.pk)
        hold = place_hold(
            reason=HoldReason.REVIEW,
            dialogue=locked.dialogue,
            subject_type="contribution",
            subject_id=locked.pk,
            actor=None,
            note=f"review of decision {decision.pk}",
            now=now,
        )
        review = ReviewRequest.objects.create(
            decision=decision,
            contribution=locked,
            reason=reason,
            requested_at=now,
            hold=hold,
        )
        append_entry(
            kind=EntryKind.REVIEW_REQUESTED,
            at=now,
            dialogue=locked.dialogue,
            channel=Channel.WEB,
            subject_type="contribution",
            subject_id=locked.pk,
            subject_ref=locked.reference,
            status=locked.status,
            data={
                "review": review.pk,
                "decision": decision.pk,
                "decision_kind": decision.kind,
                "hold": hold.pk,
            },
            # The author's own words: "text", so exports release (and redact) them as such.
            content={"text": reason},
            search_text=reason,
        )
    return review


def decide_review(
    *,
    review: ReviewRequest,
    moderator: User,
    outcome: ReviewOutcome,
    note: str,
    now: datetime | None = None,
) -> ReviewRequest:
    """Uphold or overturn. Overturning publishes the contribution through a new decision by
    the reviewer; the reviewed decision is left as it was made. The hold is released and the
    author told."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            ReviewRequest.objects.select_for_update()
            .select_related("decision", "hold")
            .get(pk=review.pk)
        )
        if not locked.is_pending:
            raise ReviewAlreadyDecided(locked)
        if locked.decision.moderator_id == moderator.pk:
            raise OwnDecision(locked.decision.pk)
        contribution = (
            Post.objects.select_for_update(of=("self",))
            .select_related("dialogue__organisation")
            .get(pk=locked.contribution_id)
        )
        new_decision = None
        if outcome == ReviewOutcome.OVERTURNED:
            new_decision, _rules = _record_decision(
                locked=contribution,
                kind=DecisionKind.APPROVE,
                moderator=moderator,
                rule_codes=(),
                note=note,
                now=now,
                extra={"review": locked.pk, "replaces": locked.decision.pk},
            )
        locked.outcome = outcome
        locked.outcome_note = note
        locked.decided_by = moderator
        locked.decided_at = now
        locked.new_decision = new_decision
        locked.save(
            update_fields=["outcome", "outcome_note", "decided_by", "decided_at", "new_decision"]
        )
        append_entry(
            kind=EntryKind.REVIEW_DECIDED,
            at=now,
            dialogue=contribution.dialogue,
            channel=Channel.STAFF,
            subject_type="contribution",
            subject_id=contribution.pk,
            subject_ref=contribution.reference,
            status=contribution.status,
            actor=moderator,
            data={
                "review": locked.pk,
                "decision": locked.decision.pk,
                "outcome": str(outcome),
                "new_decision": new_decision.pk if new_decision else None,
            },
            content={"note": note},
        )
        release_hold(hold=locked.hold, actor=moderator, now=now)
        organisation = contribution.dialogue.organisation
        if contribution.has_confirmed_email:
            send_on_commit(
                to=contribution.email,
                subject=_("The review of the decision on your contribution"),
                template="moderation/email/review_outcome.txt",
                context={
                    "contribution": contribution,
                    "review": locked,
                    "organisation": organisation,
                    "ombudsman": ombudsman(organisation),
                },
                language=contribution.language or organisation.default_language,
            )
    review.refresh_from_db()
    return review


# Blocks ----------------------------------------------------------------------------------


def impose_block(
    *,
    contribution: Post,
    moderator: User,
    scope: BlockScope,
    rule_codes: Sequence[str],
    reasons: str,
    ends_at: datetime,
    restoration: str,
    complaint: str,
    now: datetime | None = None,
) -> Block:
    """Block the author of ``contribution`` -- the holder of its confirmed e-mail address --
    from contributing until ``ends_at``, and send them the written decision."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Post.objects.select_for_update(of=("self",))
            .select_related("dialogue__organisation")
            .get(pk=contribution.pk)
        )
        if not locked.has_confirmed_email:
            raise ValueError("a block needs a confirmed address to identify and tell the person")
        organisation = locked.dialogue.organisation
        email = locked.email.lower()
        existing = (
            Block.objects.filter(
                organisation=organisation,
                email=email,
                lifted_at__isnull=True,
                imposed_at__lte=now,
                ends_at__gt=now,
            )
            .order_by("-ends_at")
            .first()
        )
        if existing is not None:
            raise AlreadyBlocked(existing)
        rule_set = rule_set_in_force(organisation, at=now)
        rules = rules_cited(rule_set, rule_codes)
        block = Block.objects.create(
            organisation=organisation,
            scope=scope,
            dialogue=locked.dialogue if scope == BlockScope.DIALOGUE else None,
            contribution=locked,
            email=email,
            rule_set=rule_set,
            reasons=reasons,
            ends_at=ends_at,
            restoration=restoration,
            complaint=complaint,
            imposed_by=moderator,
            imposed_at=now,
        )
        block.rules.set(rules)
        append_entry(
            kind=EntryKind.BLOCK_IMPOSED,
            at=now,
            dialogue=locked.dialogue,
            channel=Channel.STAFF,
            subject_type="contribution",
            subject_id=locked.pk,
            subject_ref=locked.reference,
            status=locked.status,
            actor=moderator,
            data={
                "block": block.pk,
                "scope": str(scope),
                "scope_dialogue": block.dialogue_id,
                "ends_at": ends_at.isoformat(),
                "rules": sorted(rule.code for rule in rules),
                "rule_set_version": rule_set.version,
                "restoration": restoration,
                "complaint": complaint,
            },
            content={"email": email, "note": reasons},
        )
        # Times in the notice are the authority's, wherever the action runs from.
        with timezone.override(organisation.time_zone):
            send_on_commit(
                to=locked.email,
                subject=_("A decision about your participation in our citizen dialogues"),
                template="moderation/email/block_notice.txt",
                context={"block": block, "rules": rules, "organisation": organisation},
                language=locked.language or organisation.default_language,
            )
    return block


def lift_block(*, block: Block, moderator: User, reason: str, now: datetime | None = None) -> Block:
    """End a block before its time; the person is told that contact is restored."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Block.objects.select_for_update()
            .select_related("organisation", "contribution__dialogue")
            .get(pk=block.pk)
        )
        if not locked.in_force(now):
            raise BlockNotInForce(locked.pk)
        locked.lifted_at = now
        locked.lifted_by = moderator
        locked.lift_reason = reason
        locked.end_recorded_at = now
        locked.save(update_fields=["lifted_at", "lifted_by", "lift_reason", "end_recorded_at"])
        _record_block_end(locked, at=now, actor=moderator, how="lifted", note=reason)
        organisation = locked.organisation
        contribution = locked.contribution
        with timezone.override(organisation.time_zone):
            send_on_commit(
                to=locked.email,
                subject=_("Your block has been lifted"),
                template="moderation/email/block_lifted.txt",
                context={"block": locked, "organisation": organisation},
                language=contribution.language or organisation.default_language,
            )
    block.refresh_from_db()
    return block


def record_ended_blocks(*, now: datetime | None = None) -> int:
    """Write a BLOCK_ENDED entry for each block whose time has run out (for `torget tick`).

    A block stops applying at ``ends_at`` whether or not this runs; this only completes the
    record. Safe to run again: a block's end is written once."""
    now = now or timezone.now()
    recorded = 0
    due = Block.objects.filter(end_recorded_at__isnull=True, ends_at__lte=now)
    for pk in due.order_by("ends_at", "pk").values_list("pk", flat=True):
        with transaction.atomic():
            locked = (
                Block.objects.select_for_update()
                .select_related("contribution__dialogue")
                .get(pk=pk)
            )
            if locked.end_recorded_at is not None:
                continue
            locked.end_recorded_at = now
            locked.save(update_fields=["end_recorded_at"])
            _record_block_end(locked, at=locked.ends_at, actor=None, how="expired", note="")
            recorded += 1
    return recorded


def _record_block_end(
    block: Block, *, at: datetime, actor: User | None, how: str, note: str
) -> None:
    contribution = block.contribution
    append_entry(
        kind=EntryKind.BLOCK_ENDED,
        at=at,
        dialogue=contribution.dialogue,
        channel=Channel.STAFF,
        subject_type="contribution",
        subject_id=contribution.pk,
        subject_ref=contribution.reference,
        status=contribution.status,
        actor=actor,
        data={"block": block.pk, "ended": how, "ends_at": block.ends_at.isoformat()},
        content={"note": note} if note else None,
    )


# Threats against politicians -------------------------------------------------------------


def mark_threat(
    *,
    contribution: Post,
    politician: User,
    moderator: User,
    note: str = "",
    now: datetime | None = None,
) -> ThreatMark:
    """Record that the post threatens ``politician``: it goes to the top of the queue, a
    police hold keeps it and its history, and the politician is told without the text."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Post.objects.select_for_update(of=("self",))
            .select_related("dialogue__organisation")
            .get(pk=contribution.pk)
        )
        existing = ThreatMark.objects.filter(contribution=locked, politician=politician).first()
        if existing is not None:
            raise ThreatAlreadyMarked(existing)
        hold = place_hold(
            reason=HoldReason.POLICE,
            dialogue=locked.dialogue,
            subject_type="contribution",
            subject_id=locked.pk,
            actor=moderator,
            note="threat against a politician",
            now=now,
        )
        threat = ThreatMark.objects.create(
            contribution=locked,
            politician=politician,
            marked_by=moderator,
            marked_at=now,
            note=note,
            hold=hold,
        )
        if locked.priority < Priority.THREAT:
            locked.priority = int(Priority.THREAT)
            locked.save(update_fields=["priority"])
        append_entry(
            kind=EntryKind.THREAT_MARKED,
            at=now,
            dialogue=locked.dialogue,
            channel=Channel.STAFF,
            subject_type="contribution",
            subject_id=locked.pk,
            subject_ref=locked.reference,
            status=locked.status,
            actor=moderator,
            data={
                "threat": threat.pk,
                "politician": politician.pk,
                "priority": locked.priority,
                "hold": hold.pk,
            },
            content={"note": note} if note else None,
        )
        organisation = locked.dialogue.organisation
        if politician.email:
            send_on_commit(
                to=politician.email,
                subject=_("A post that may threaten you has been recorded"),
                template="moderation/email/threat_notice.txt",
                context={"threat": threat, "contribution": locked, "organisation": organisation},
                language=organisation.default_language,
            )
    contribution.priority = locked.priority
    return threat


@transaction.atomic
def disclose_threat(
    *, threat: ThreatMark, viewer: User, now: datetime | None = None
) -> ThreatDisclosure:
    """The threatened politician chose to see the text; that choice is kept."""
    return ThreatDisclosure.objects.create(threat=threat, viewer=viewer, at=now or timezone.now())


@dataclass(frozen=True)
class EvidenceExport:
    filename: str
    entries: int
    sha256: str
    chain_ok: bool


def export_evidence(
    *, threat: ThreatMark, actor: User, into: IO[bytes], now: datetime | None = None
) -> EvidenceExport:
    """Write the police's evidence package as a zipped BagIt bag into ``into``.

    The bag holds every archive entry about the contribution (the original text and name,
    the decisions, holds and this threat) with their hashes, and ``chain-proof.json``: every
    entry hash from the first of them to the chain head, the canonical records of the bag's
    own entries (so each hash can be recomputed) and the result of verifying the whole chain.
    The export itself is archived with the zip's SHA-256, so the copy handed over can later
    be shown to be the one that was made.
    """
    now = now or timezone.now()
    contribution = threat.contribution
    organisation = contribution.dialogue.organisation
    # A fixed end for everything below: entries appended meanwhile are not half-included.
    head = ChainHead.objects.filter(pk=1).first()
    head_seq = head.last_seq if head else 0
    entries = ArchiveEntry.objects.filter(
        subject_type="contribution", subject_id=contribution.pk, seq__lte=head_seq
    )
    report = verify_chain()
    zone = zoneinfo.ZoneInfo(organisation.time_zone)
    stamp = timezone.localtime(now, zone).strftime("%Y%m%d-%H%M%S")
    name = f"evidence-{contribution.reference}-{stamp}"
    with translation.override(organisation.default_language):
        proof = chain_proof(entries=entries, head_seq=head_seq, report=report, now=now)
        description = str(
            _("Evidence for the police: contribution %(reference)s, a threat against %(name)s")
            % {"reference": contribution.reference, "name": threat.politician.display_name}
        )
    with tempfile.TemporaryDirectory(prefix="torget-evidence-") as scratch:
        folder = Path(scratch) / name
        result = write_bag(
            entries=entries,
            out=folder,
            description=description,
            organisation_name=organisation.name,
            language=organisation.default_language,
            redact_automatic=False,
            identifier=contribution.reference,
            extra_files={"chain-proof.json": proof},
            now=now,
        )
        manifest = (folder / "manifest-sha256.txt").read_bytes()
        with zipfile.ZipFile(into, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    bundle.write(path, str(Path(name) / path.relative_to(folder)))
    into.flush()
    into.seek(0)
    digest = hashlib.file_digest(into, "sha256").hexdigest()  # type: ignore[arg-type]
    into.seek(0)
    with transaction.atomic():
        append_entry(
            kind=EntryKind.EVIDENCE_EXPORTED,
            at=now,
            dialogue=contribution.dialogue,
            channel=Channel.STAFF,
            subject_type="contribution",
            subject_id=contribution.pk,
            subject_ref=contribution.reference,
            status=contribution.status,
            actor=actor,
            data={
                "threat": threat.pk,
                "entries": result.entries,
                "head_seq": head_seq,
                "chain_ok": report.ok,
                "zip_sha256": digest,
                "manifest_sha256": hashlib.sha256(manifest).hexdigest(),
            },
        )
    return EvidenceExport(
        filename=f"{name}.zip", entries=result.entries, sha256=digest, chain_ok=report.ok
    )
