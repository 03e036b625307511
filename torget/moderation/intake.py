"""One intake for citizens' posts: what every post goes through on its way in, whatever its
channel -- screening, the window of where it is sent, blocks, its initial status, the receipt
reference, the archive entry -- and the two ways in that Torget owns besides the live chat:
the dialogue page's form and input that staff type in.

A post is stored durably (and archived) before anyone is told "received"; screening flags,
holds and prioritises and never rejects. The dialogue's window and moderation mode are read
under the write lock, so what decides is what holds when the post is stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from torget.accounts.models import Organisation, User
from torget.archive.actions import NewEntry, append_many
from torget.archive.models import Channel, EntryKind
from torget.core.groupcommit import GroupCommit
from torget.core.references import new_reference
from torget.dialogues.actions import accepts_contributions, ask_to_confirm
from torget.dialogues.models import (
    Dialogue,
    ModerationMode,
    OfflineSource,
    Post,
    PostChannel,
    PostStatus,
)
from torget.dialogues.queries import lock_dialogue_for_submission
from torget.moderation.models import Block
from torget.moderation.queries import block_in_force
from torget.screening.api import ScreeningResult, screen


class DialogueNotOpen(Exception):
    """The dialogue was not open at the moment of submission (closed, or not yet open)."""

    def __init__(self, dialogue: Dialogue) -> None:
        super().__init__(dialogue.slug)
        self.dialogue = dialogue


class ParticipantBlocked(Exception):
    """A block in force covers this dialogue and the e-mail address given."""

    def __init__(self, block: Block, dialogue: Dialogue) -> None:
        super().__init__(block.pk)
        self.dialogue = dialogue
        self.block = block


def submit_contribution(
    *,
    organisation: Organisation,
    slug: str,
    display_name: str,
    text: str,
    email: str,
    submission_token: uuid.UUID,
    client_hash: str,
    language: str,
    max_length: int | None = None,
    now: datetime | None = None,
) -> tuple[Post, bool]:
    """Store a citizen's contribution to the public dialogue ``slug`` durably and return it
    with ``created``.

    A second submit of the same form (same token) returns the stored row and stores nothing:
    the token's unique constraint refuses it, so a form sent once (nearly every one) costs no
    lookup beforehand.
    Every post is screened on arrival: the flags and priority are stored beside it for the
    moderator, and a post with a national ID number or a possible threat is held from public
    view until a moderator decides, even under post-moderation. Screening never rejects
    anything by itself.
    The dialogue is read under the write lock, so what decides (state, window, moderation
    mode, case number) is what holds when the contribution is stored; the caller reads it
    before only to show a page. Contributions sent at the same moment share one transaction
    (``torget.core.groupcommit``); this returns once the contribution's is committed.
    ``Dialogue.DoesNotExist`` when no public dialogue of the authority has this slug,
    ``DialogueNotOpen`` outside its window, ``ParticipantBlocked`` for an address under a
    block in force for it.
    """
    now = now or timezone.now()
    submission = Submission(
        organisation=organisation,
        slug=slug,
        display_name=display_name,
        text=text,
        email=email,
        submission_token=submission_token,
        client_hash=client_hash,
        language=language,
        screening=screen(text, max_length=max_length, language=language),
        now=now,
    )
    try:
        contribution, created = _submissions.store(submission)
    except IntegrityError:
        # The same form was sent before (or at the same moment): that row is the answer.
        return Post.objects.get(submission_token=submission_token), False
    if created and email:
        # From this request's own thread once its contribution is committed (or with the
        # caller's transaction): a slow mail server never holds up the others of its batch.
        ask_to_confirm(contribution)
    return contribution, created


def _initial_status(dialogue: Dialogue, result: ScreeningResult) -> PostStatus:
    """Published at once under post-moderation, unless screening holds it for a person."""
    if dialogue.moderation_mode == ModerationMode.POST and not result.should_hold:
        return PostStatus.PUBLISHED_UNREVIEWED
    return PostStatus.PENDING


def _received_entry(
    post: Post,
    dialogue: Dialogue,
    *,
    channel: str = Channel.WEB,
    actor: User | None = None,
    **extra: Any,
) -> NewEntry:
    """The archive entry of a post that has just been stored."""
    return NewEntry(
        kind=EntryKind.CONTRIBUTION_RECEIVED,
        at=post.created_at,
        dialogue=dialogue,
        channel=channel,
        actor=actor,
        subject_type="contribution",
        subject_id=post.pk,
        subject_ref=post.reference,
        status=post.status,
        data={
            "language": post.language,
            "moderation_mode": dialogue.moderation_mode,
            "screening": post.screening,
            **extra,
        },
        content={"display_name": post.display_name, "text": post.text, "email": post.email},
        search_text=f"{post.display_name}\n{post.text}",
    )


@transaction.atomic
def enter_offline_input(
    *,
    dialogue: Dialogue,
    entered_by: User,
    received_via: OfflineSource,
    received_on: date,
    display_name: str,
    text: str,
    email: str,
    now: datetime | None = None,
) -> Post:
    """Store input the authority received outside Torget -- at a citizens' meeting, by letter,
    by telephone -- as a post of ``dialogue``, typed in by ``entered_by``.

    It is screened, moderated, archived and counted in the feedback like any post; the archive
    entry names who typed it in and how and when it was received. An address given is asked
    to confirm itself, as on the website, before anything else is sent to it. No length limit
    (a letter is as long as it is) and no block applies: what reached the authority is a
    record either way.
    """
    now = now or timezone.now()
    locked = Dialogue.objects.select_for_update().select_related("organisation").get(pk=dialogue.pk)
    language = locked.organisation.default_language
    result = screen(text, language=language)
    post = Post.objects.create(
        organisation_id=locked.organisation_id,
        channel=PostChannel.OFFLINE,
        dialogue=locked,
        reference=new_reference("T"),
        submission_token=None,
        display_name=display_name,
        text=text,
        email=email,
        language=language,
        status=_initial_status(locked, result),
        screening=result.as_dict(),
        priority=int(result.priority),
        created_at=now,
        received_via=received_via,
        received_on=received_on,
        entered_by=entered_by,
    )
    append_many(
        [
            _received_entry(
                post,
                locked,
                channel=Channel.STAFF,
                actor=entered_by,
                post_channel=PostChannel.OFFLINE.value,
                received_via=str(received_via),
                received_on=received_on.isoformat(),
            )
        ]
    )
    if email:
        ask_to_confirm(post)
    return post


@dataclass(frozen=True)
class ScreenedPost:
    """What a citizen sent through a form, screened, waiting for its transaction: the part
    every channel's post has (a channel adds where it is sent)."""

    display_name: str
    text: str
    email: str
    submission_token: uuid.UUID
    client_hash: str
    language: str
    screening: ScreeningResult
    now: datetime


@dataclass(frozen=True)
class Submission(ScreenedPost):
    """A screened contribution to the public dialogue ``slug`` of ``organisation``."""

    organisation: Organisation
    slug: str


def block_against(post: ScreenedPost, dialogue: Dialogue) -> Block | None:
    """The block in force against the address given, in ``dialogue``, when the post is sent."""
    if not post.email:
        return None
    return block_in_force(
        organisation_id=dialogue.organisation_id,
        dialogue_id=dialogue.pk,
        email=post.email,
        now=post.now,
    )


def new_post(
    post: ScreenedPost,
    *,
    dialogue: Dialogue,
    channel: PostChannel,
    reference: str,
    status: PostStatus,
    thread_id: int | None = None,
) -> Post:
    """The unsaved ``Post`` row for ``post`` in ``dialogue``: the one shape every channel's
    citizen posts are stored in."""
    return Post(
        organisation_id=dialogue.organisation_id,
        channel=channel,
        dialogue=dialogue,
        thread_id=thread_id,
        reference=reference,
        submission_token=post.submission_token,
        display_name=post.display_name,
        text=post.text,
        email=post.email,
        client_hash=post.client_hash,
        language=post.language,
        status=status,
        screening=post.screening.as_dict(),
        priority=int(post.screening.priority),
        created_at=post.now,
    )


def store_submissions(
    submissions: Sequence[Submission],
) -> list[tuple[Post, bool] | Exception]:
    """Store ``submissions`` in the caller's transaction with one read of each dialogue, one
    insert of the contributions and one append to the archive; a refused submission gets its
    exception and stores nothing. Sends no mail (``submit_contribution`` does)."""
    # Each dialogue locked once, in one order, so two batches never wait for each other's.
    organisation_of = {(s.organisation.pk, s.slug): s.organisation for s in submissions}
    dialogues = {
        key: lock_dialogue_for_submission(organisation_of[key], key[1])
        for key in sorted(organisation_of)
    }
    by_token: dict[uuid.UUID, Post] = {}
    outcomes: list[tuple[Post, bool] | Exception] = []
    stored: list[tuple[Post, Dialogue, Submission]] = []
    for submission in submissions:
        dialogue = dialogues[(submission.organisation.pk, submission.slug)]
        if dialogue is None:
            outcomes.append(Dialogue.DoesNotExist(submission.slug))
            continue
        if not accepts_contributions(dialogue, submission.now):
            outcomes.append(DialogueNotOpen(dialogue))
            continue
        block = block_against(submission, dialogue)
        if block is not None:
            outcomes.append(ParticipantBlocked(block, dialogue))
            continue
        twin = by_token.get(submission.submission_token)
        if twin is not None:  # the same form sent twice within one batch
            outcomes.append((twin, False))
            continue
        contribution = new_post(
            submission,
            dialogue=dialogue,
            channel=PostChannel.WEB,
            reference=new_reference("T"),
            status=_initial_status(dialogue, submission.screening),
        )
        by_token[submission.submission_token] = contribution
        stored.append((contribution, dialogue, submission))
        outcomes.append((contribution, True))
    if not stored:
        return outcomes
    Post.objects.bulk_create([contribution for contribution, _d, _s in stored])
    append_many([_received_entry(post, dialogue) for post, dialogue, _s in stored])
    return outcomes


_submissions = GroupCommit(store_submissions)
