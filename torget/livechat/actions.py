"""Every write to live chats goes through these functions.

Each runs in one transaction, adds a ``QuestionStep`` (or the question, or the answer) and an
archive entry, and announces the change on the chat's streams last, so viewers hear of it
only once it is committed. The question's row is locked while it moves, so two moderators
acting on the same question at once get one success and one ``AlreadyHandled``: never a
silent overwrite. Views validate input first; the named refusals below describe what a form
cannot see (the clock, another person's click, a forged form).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from torget.accounts.models import User
from torget.archive.actions import NewEntry, append_entry, append_many
from torget.archive.models import Channel, EntryKind
from torget.core.caching import forget
from torget.core.groupcommit import GroupCommit
from torget.core.references import new_reference
from torget.dialogues.actions import ask_to_confirm
from torget.dialogues.models import (
    Dialogue,
    DialogueState,
    Post,
    PostChannel,
    PostStatus,
    Thread,
    ThreadKind,
)
from torget.livechat import presentation
from torget.livechat.models import (
    OPEN_STATUSES,
    RETIRED_SEAT_POSITION,
    Answer,
    ChatSession,
    PanelSeat,
    Question,
    QuestionStatus,
    QuestionStep,
    StepKind,
    Upvote,
)
from torget.moderation import actions as moderation
from torget.moderation.intake import ScreenedPost, block_against, new_post
from torget.moderation.models import Decision, DecisionKind
from torget.realtime.actions import publish, publish_many
from torget.screening.api import screen

# The chat is shown, and takes questions in its window, once its dialogue is public.
LIVE_DIALOGUE_STATES = frozenset(
    {
        DialogueState.SCHEDULED,
        DialogueState.OPEN,
        DialogueState.CLOSED,
        DialogueState.FEEDBACK_PUBLISHED,
        DialogueState.ARCHIVED,
    }
)
WAITING_STATUSES = (QuestionStatus.APPROVED, QuestionStatus.ASSIGNED)
# How long a chat found public stays known to the live streams and the question form
# (``queries.public_chat_facts``); editing the chat drops it at once in this process.
PUBLIC_CHAT_CACHE_SECONDS = 10


def public_chat_cache_key(organisation_id: int, slug: str) -> str:
    return f"torget:public-chat:{organisation_id}:{slug}"


class ChatNotOpen(Exception):
    """The chat did not take questions at that moment: before its window or after it."""


class AlreadyHandled(Exception):
    """Someone else moved the question first; ``question`` is its state now."""

    def __init__(self, question: Question) -> None:
        super().__init__(question.reference, question.status)
        self.question = question


class NotOnPanel(Exception):
    """The person named for an assignment has no seat on this chat's panel."""


class NotAssignee(Exception):
    """The question is assigned to someone else."""


class AlreadyUpvoted(Exception):
    """This viewer already supports this question."""


# Session set-up ----------------------------------------------------------------------------


def _session_record(session: ChatSession) -> dict[str, Any]:
    return {
        "slug": session.slug,
        "title": session.title,
        "opens_at": session.opens_at.isoformat(),
        "closes_at": session.closes_at.isoformat(),
        "question_max_length": session.question_max_length,
        "answers_reviewed": session.answers_reviewed,
        "upvotes_enabled": session.upvotes_enabled,
        "moderators": sorted(session.moderators.values_list("pk", flat=True)),
        "panel": [
            {"politician": seat.politician_id, "party": seat.party_id}
            for seat in session.seats.order_by("position", "pk")
        ],
    }


def _set_panel(session: ChatSession, panel: Sequence[User]) -> None:
    """Seat exactly ``panel``, in that order. Seats of people who leave the panel stay if
    questions were assigned to them (history), so they are only re-ordered last."""
    keep = {user.pk for user in panel}
    for position, politician in enumerate(panel):
        PanelSeat.objects.update_or_create(
            session=session,
            politician=politician,
            defaults={"party_id": politician.party_id, "position": position},
        )
    leaving = session.seats.exclude(politician_id__in=keep)
    assigned = set(
        session.questions.filter(assigned_to__isnull=False).values_list("assigned_to", flat=True)
    )
    leaving.exclude(politician_id__in=assigned).delete()
    leaving.update(position=RETIRED_SEAT_POSITION + len(panel))


def seated(session: ChatSession) -> list[PanelSeat]:
    """The panel, in order: seats of people removed from it after an assignment are history,
    not panel members."""
    return [
        seat
        for seat in session.seats.select_related("politician", "party").order_by("position", "pk")
        if seat.position < RETIRED_SEAT_POSITION
    ]


@transaction.atomic
def create_chat_session(
    *,
    dialogue: Dialogue,
    actor: User,
    slug: str,
    title: str,
    description: str,
    opens_at: datetime,
    closes_at: datetime,
    question_max_length: int,
    answers_reviewed: bool,
    upvotes_enabled: bool,
    moderators: Sequence[User],
    panel: Sequence[User],
    now: datetime | None = None,
) -> ChatSession:
    now = now or timezone.now()
    thread = Thread.objects.create(
        organisation_id=dialogue.organisation_id,
        dialogue=dialogue,
        kind=ThreadKind.CHAT,
        title=title,
    )
    session = ChatSession.objects.create(
        dialogue=dialogue,
        thread=thread,
        slug=slug,
        title=title,
        description=description,
        opens_at=opens_at,
        closes_at=closes_at,
        question_max_length=question_max_length,
        answers_reviewed=answers_reviewed,
        upvotes_enabled=upvotes_enabled,
        created_by=actor,
        created_at=now,
    )
    session.moderators.set(moderators)
    _set_panel(session, panel)
    append_entry(
        kind=EntryKind.CHAT_CREATED,
        at=now,
        dialogue=dialogue,
        channel=Channel.STAFF,
        subject_type="chat",
        subject_id=session.pk,
        subject_ref=session.slug,
        actor=actor,
        data=_session_record(session),
    )
    return session


@transaction.atomic
def edit_chat_session(
    *,
    session: ChatSession,
    actor: User,
    title: str,
    description: str,
    opens_at: datetime,
    closes_at: datetime,
    question_max_length: int,
    answers_reviewed: bool,
    upvotes_enabled: bool,
    moderators: Sequence[User],
    panel: Sequence[User],
    now: datetime | None = None,
) -> ChatSession:
    """Change a chat that has not closed; the archive entry keeps the before and after."""
    now = now or timezone.now()
    locked = ChatSession.objects.select_for_update().get(pk=session.pk)
    if locked.closed_at is not None:
        raise ChatNotOpen(locked.slug)
    before = _session_record(locked)
    locked.title = title
    locked.description = description
    locked.opens_at = opens_at
    locked.closes_at = closes_at
    locked.question_max_length = question_max_length
    locked.answers_reviewed = answers_reviewed
    locked.upvotes_enabled = upvotes_enabled
    locked.save()
    Thread.objects.filter(pk=locked.thread_id).update(title=title)
    forget(public_chat_cache_key(locked.dialogue.organisation_id, locked.slug))
    locked.moderators.set(moderators)
    _set_panel(locked, panel)
    after = _session_record(locked)
    if before != after:
        append_entry(
            kind=EntryKind.CHAT_EDITED,
            at=now,
            dialogue=locked.dialogue,
            channel=Channel.STAFF,
            subject_type="chat",
            subject_id=locked.pk,
            subject_ref=locked.slug,
            actor=actor,
            data={"before": before, "after": after},
        )
        _announce(locked, staff_kind="chat.changed")
    return locked


# Announcements ------------------------------------------------------------------------------


def _announce(
    session: ChatSession,
    question: Question | None = None,
    *,
    public_kind: str | None = None,
    public_payload: dict[str, Any] | None = None,
    staff_kind: str = "question.changed",
) -> None:
    """Publish to the public stream (when there is something for the public), then to the
    staff stream. Always in that order, so two actions never wait for each other's locks."""
    if public_kind is not None:
        publish(stream=session.public_stream, kind=public_kind, payload=public_payload or {})
    staff_payload: dict[str, Any] = {}
    if question is not None:
        staff_payload = {"ref": question.reference, "status": question.status}
    publish(stream=session.staff_stream, kind=staff_kind, payload=staff_payload)


# Citizens ------------------------------------------------------------------------------------


def takes_questions(*, closes_at: datetime, closed_at: datetime | None, now: datetime) -> bool:
    """Questions are taken from the moment the chat is announced until it closes; they wait
    for moderation and are handed to the panel once it opens. The announced closing time
    decides, even before the clock has ticked."""
    return closed_at is None and now < closes_at


def accepts_questions(session: ChatSession, now: datetime) -> bool:
    return session.dialogue.state in LIVE_DIALOGUE_STATES and takes_questions(
        closes_at=session.closes_at, closed_at=session.closed_at, now=now
    )


def is_running(session: ChatSession, now: datetime) -> bool:
    """The panel is answering: between the announced opening and closing."""
    return session.closed_at is None and session.opens_at <= now < session.closes_at


# What ``ask_question`` reads of the chat under its lock: the window, the thread, and the
# dialogue's state, authority and case number for the post and its archive entry.
_ASKING_FIELDS = (
    "slug",
    "opens_at",
    "closes_at",
    "closed_at",
    "thread",
    "dialogue__state",
    "dialogue__organisation",
    "dialogue__case_number",
)


class ParticipantBlocked(Exception):
    """A block in force covers the chat's dialogue and the e-mail address given."""

    def __init__(self, block: Any) -> None:
        super().__init__(block.pk)
        self.block = block


def ask_question(
    *,
    session_pk: int,
    display_name: str,
    text: str,
    submission_token: uuid.UUID,
    client_hash: str,
    language: str,
    max_length: int,
    email: str = "",
    now: datetime | None = None,
) -> tuple[Question, bool]:
    """Store a citizen's question to the chat ``session_pk`` durably, as a post of the chat's
    dialogue and thread, and return it with ``created``.

    A second submit of the same form (same token) returns the stored question and stores
    nothing: the token's unique constraint refuses it, so a form sent once (nearly every one)
    costs no lookup beforehand. Every question is screened on arrival (``max_length`` is the
    chat's limit, which the form has enforced); the flags order the moderator's queue and
    never decide anything. The chat is read once, under its lock, so its window is what holds
    when the question is stored: ``ChatNotOpen`` after it, ``ParticipantBlocked`` for an
    address under a block in force for the chat's dialogue. An address given is asked to
    confirm itself before anything else is sent to it.
    """
    now = now or timezone.now()
    new = NewQuestion(
        session_pk=session_pk,
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
        question, created = _questions.store(new)
    except IntegrityError:
        # The same form was sent before (or at the same moment): that question is the answer.
        return Question.objects.select_related("post").get(
            post__submission_token=submission_token
        ), False
    if created and email:
        ask_to_confirm(question.post)
    return question, created


@dataclass(frozen=True)
class NewQuestion(ScreenedPost):
    """A screened question to the chat ``session_pk``."""

    session_pk: int


def store_questions(questions: Sequence[NewQuestion]) -> list[tuple[Question, bool] | Exception]:
    """Store ``questions`` in the caller's transaction: each chat read and locked once, one
    insert of the posts, one of the questions, one archive append and one announcement per
    chat; a refused question gets its exception (``ChatNotOpen``, ``ParticipantBlocked``,
    ``ChatSession.DoesNotExist``) and stores nothing."""
    # The closing step takes the chat's lock too: a question is either in before the close
    # marks what is left "not reached", or it is refused. Only the chat's row is locked, and
    # only what decides and what the archive entry names is read. Chats in the order of their
    # numbers, so two batches never wait for each other's.
    sessions: dict[int, ChatSession | None] = {
        pk: ChatSession.objects.select_for_update(of=("self",))
        .select_related("dialogue")
        .only(*_ASKING_FIELDS)
        .filter(pk=pk)
        .first()
        for pk in sorted({new.session_pk for new in questions})
    }
    by_token: dict[uuid.UUID, Question] = {}
    outcomes: list[tuple[Question, bool] | Exception] = []
    stored: list[tuple[Question, NewQuestion]] = []
    for new in questions:
        session = sessions[new.session_pk]
        if session is None:
            outcomes.append(ChatSession.DoesNotExist(new.session_pk))
            continue
        if not accepts_questions(session, new.now):
            outcomes.append(ChatNotOpen(session.slug))
            continue
        block = block_against(new, session.dialogue)
        if block is not None:
            outcomes.append(ParticipantBlocked(block))
            continue
        twin = by_token.get(new.submission_token)
        if twin is not None:  # the same form sent twice within one batch
            outcomes.append((twin, False))
            continue
        post = new_post(
            new,
            dialogue=session.dialogue,
            channel=PostChannel.CHAT,
            thread_id=session.thread_id,
            reference=new_reference("Q"),
            # A moderator reads every question before it goes further, whatever screening found.
            status=PostStatus.PENDING,
        )
        question = Question(post=post, session=session, status=QuestionStatus.PENDING)
        by_token[new.submission_token] = question
        stored.append((question, new))
        outcomes.append((question, True))
    if not stored:
        return outcomes
    Post.objects.bulk_create([question.post for question, _new in stored])
    for question, _new in stored:
        # The post has its key now; assigning it again sets ``post_id`` and keeps it cached.
        question.post = question.post
    Question.objects.bulk_create([question for question, _new in stored])
    append_many(
        [
            NewEntry(
                kind=EntryKind.CHAT_QUESTION_RECEIVED,
                at=new.now,
                dialogue=question.session.dialogue,
                channel=Channel.CHAT,
                subject_type="chat_question",
                subject_id=question.pk,
                subject_ref=question.reference,
                status=question.status,
                data={
                    "chat": question.session.slug,
                    "post": question.post_id,
                    "language": new.language,
                    "screening": question.screening,
                },
                content={"display_name": new.display_name, "text": new.text, "email": new.email},
                search_text=f"{new.display_name}\n{new.text}",
            )
            for question, new in stored
        ]
    )
    for session in sessions.values():
        asked = [question for question, _new in stored if question.session is session]
        if session is not None and asked:
            publish_many(
                stream=session.staff_stream,
                events=[
                    ("question.changed", {"ref": question.reference, "status": question.status})
                    for question in asked
                ],
            )
    return outcomes


_questions = GroupCommit(store_questions)


@transaction.atomic
def upvote_question(*, question: Question, voter: str, now: datetime | None = None) -> int:
    """Add one viewer's support to a waiting question; returns the new count."""
    now = now or timezone.now()
    locked = Question.objects.select_for_update().select_related("session").get(pk=question.pk)
    session = locked.session
    if not session.upvotes_enabled or locked.status not in WAITING_STATUSES:
        raise AlreadyHandled(locked)
    try:
        with transaction.atomic():
            Upvote.objects.create(question=locked, voter=voter, at=now)
    except IntegrityError:
        raise AlreadyUpvoted(locked.reference) from None
    Question.objects.filter(pk=locked.pk).update(upvotes=F("upvotes") + 1)
    locked.refresh_from_db(fields=["upvotes"])
    _announce(session, locked)
    return locked.upvotes


# Moderators and politicians ------------------------------------------------------------------


def _lock(question: Question) -> Question:
    """Lock the question's post, then the question and its chat: moderation locks the post
    first too, so a decision from the moderation queue and a step in the console never wait
    for each other; and the chat before the archive's chain head, as a batch of new questions
    does, so neither waits for the other's."""
    Post.objects.select_for_update().filter(pk=question.post_id).exists()
    return (
        Question.objects.select_for_update(of=("self", "session"))
        .select_related("post", "session__dialogue__organisation")
        .get(pk=question.pk)
    )


def _step(
    locked: Question,
    *,
    kind: StepKind,
    actor: User | None,
    at: datetime,
    note: str = "",
    assignee: User | None = None,
    extra: dict[str, Any] | None = None,
) -> QuestionStep:
    """Record the step beside the question and in the archive; the caller has moved the
    status and holds the question's lock."""
    step = QuestionStep.objects.create(
        question=locked, kind=kind, actor=actor, at=at, note=note, assignee=assignee
    )
    locked.save(update_fields=["status", "assigned_to", "published_at"])
    data: dict[str, Any] = {"step": step.pk, "step_kind": str(kind), "chat": locked.session.slug}
    if assignee is not None:
        data.update(assignee=assignee.pk, party=assignee.party_id)
    append_entry(
        kind=EntryKind.CHAT_STEP,
        at=at,
        dialogue=locked.session.dialogue,
        channel=Channel.STAFF,
        subject_type="chat_question",
        subject_id=locked.pk,
        subject_ref=locked.reference,
        status=locked.status,
        actor=actor,
        data={**data, **(extra or {})},
        content={"note": note} if note else None,
    )
    return step


def _waiting_payload(locked: Question) -> tuple[str | None, dict[str, Any] | None]:
    """What the public's list of waiting questions (upvotes on) hears about a status change."""
    if not locked.session.upvotes_enabled:
        return None, None
    if locked.status in WAITING_STATUSES:
        return "question.waiting", {
            "ref": locked.reference,
            "html": presentation.waiting_fragments(locked),
        }
    return "question.left", {"ref": locked.reference}


# Where a moderation decision puts a question in the chat.
_STATUS_AFTER_DECISION = {
    DecisionKind.APPROVE: QuestionStatus.APPROVED,
    DecisionKind.REJECT: QuestionStatus.REJECTED,
    DecisionKind.REFER: QuestionStatus.REFERRED,
}


class ChatHooks:
    """Carry a moderation decision on a chat question into the chat: its place in the
    consoles, and the public list of waiting questions when upvotes are on."""

    def decided(self, post: Post, decision: Decision) -> None:
        locked = (
            Question.objects.select_for_update(of=("self",))
            .select_related("session__dialogue__organisation")
            .get(post=post)
        )
        locked.post = post
        was_waiting = locked.status in WAITING_STATUSES
        if decision.kind == DecisionKind.HOLD:
            return  # still awaiting moderation: it stays among the new questions
        after = _STATUS_AFTER_DECISION[DecisionKind(decision.kind)]
        if after == QuestionStatus.APPROVED:
            if locked.status in WAITING_STATUSES or locked.status == QuestionStatus.ANSWERED:
                return  # approved again on review: it stays where it is in the chat
            if not accepts_questions(locked.session, decision.decided_at):
                after = QuestionStatus.NOT_REACHED  # approved on review after the chat closed
        if locked.status == after:
            return
        locked.status = after
        locked.save(update_fields=["status"])
        if was_waiting or after in WAITING_STATUSES:
            kind, payload = _waiting_payload(locked)
        else:
            kind, payload = None, None
        _announce(locked.session, locked, public_kind=kind, public_payload=payload)


def approve_question(
    *, question: Question, moderator: User, now: datetime | None = None
) -> Question:
    """The moderator's approval: a moderation decision on the question's post, after which
    the question waits to be handed to a politician."""
    with transaction.atomic():
        locked = _lock(question)
        if locked.status != QuestionStatus.PENDING:
            raise AlreadyHandled(locked)
        moderation.approve_contribution(contribution=locked.post, moderator=moderator, now=now)
        locked.refresh_from_db(fields=["status"])
    return locked


def reject_question(
    *,
    question: Question,
    moderator: User,
    rule_codes: Sequence[str],
    note: str = "",
    now: datetime | None = None,
) -> Question:
    """Keep the question from publication, citing the rules it breaks: a moderation decision
    on its post. Possible until it is published (a politician's answer to a rejected question
    stays in the record)."""
    with transaction.atomic():
        locked = _lock(question)
        if locked.status not in (*OPEN_STATUSES, QuestionStatus.ANSWERED):
            raise AlreadyHandled(locked)
        moderation.reject_contribution(
            contribution=locked.post,
            moderator=moderator,
            rule_codes=rule_codes,
            note=note,
            now=now,
            decidable=(PostStatus.PENDING, PostStatus.APPROVED),
        )
        locked.refresh_from_db(fields=["status"])
    return locked


class ChatNotStarted(Exception):
    """Questions are handed to the panel only once the chat has opened."""


def assign_question(
    *, question: Question, moderator: User, politician: User, now: datetime | None = None
) -> Question:
    """Hand the question to one politician on the panel (approving it, if it was pending: a
    moderation decision like any approval). A question already assigned can be handed to
    another panel member until it is answered."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(question)
        if locked.status not in OPEN_STATUSES:
            raise AlreadyHandled(locked)
        if not any(seat.politician_id == politician.pk for seat in seated(locked.session)):
            raise NotOnPanel(politician.pk)
        if locked.status == QuestionStatus.ASSIGNED and locked.assigned_to_id == politician.pk:
            raise AlreadyHandled(locked)
        if not is_running(locked.session, now):
            raise ChatNotStarted(locked.session.slug)
        if locked.status == QuestionStatus.PENDING:
            moderation.approve_contribution(contribution=locked.post, moderator=moderator, now=now)
            locked.refresh_from_db(fields=["status"])
        locked.status = QuestionStatus.ASSIGNED
        locked.assigned_to = politician
        _step(locked, kind=StepKind.ASSIGN, actor=moderator, at=now, assignee=politician)
        kind, payload = _waiting_payload(locked)
        _announce(locked.session, locked, public_kind=kind, public_payload=payload)
    return locked


def _publish_pair(locked: Question, answer: Answer, *, actor: User, now: datetime) -> None:
    locked.status = QuestionStatus.PUBLISHED
    locked.published_at = now
    _step(locked, kind=StepKind.PUBLISH, actor=actor, at=now, extra={"answer": answer.pk})
    fragments = presentation.pair_fragments(locked, answer)
    _announce(locked.session, locked, public_kind="qa.published", public_payload=fragments)


def answer_question(
    *, question: Question, politician: User, text: str, now: datetime | None = None
) -> Answer:
    """Store the assignee's answer. Without review it is published with the question at
    once; with review it waits for a moderator."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(question)
        if locked.assigned_to_id != politician.pk:
            raise NotAssignee(locked.reference)
        if locked.status != QuestionStatus.ASSIGNED:
            raise AlreadyHandled(locked)
        answer = Answer.objects.create(
            question=locked, author=politician, text=text, written_at=now
        )
        version = locked.answers.count()
        append_entry(
            kind=EntryKind.CHAT_ANSWER,
            at=now,
            dialogue=locked.session.dialogue,
            channel=Channel.CHAT,
            subject_type="chat_question",
            subject_id=locked.pk,
            subject_ref=locked.reference,
            status=QuestionStatus.ANSWERED,
            actor=politician,
            data={"answer": answer.pk, "version": version, "party": politician.party_id},
            content={"text": text},
            search_text=text,
        )
        locked.status = QuestionStatus.ANSWERED
        _step(locked, kind=StepKind.ANSWER, actor=politician, at=now, extra={"answer": answer.pk})
        if locked.session.answers_reviewed:
            _announce(locked.session, locked)
        else:
            _publish_pair(locked, answer, actor=politician, now=now)
    return answer


def publish_answer(*, question: Question, moderator: User, now: datetime | None = None) -> Question:
    """A moderator's review passed the answer: question and answer appear together."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(question)
        if locked.status != QuestionStatus.ANSWERED:
            raise AlreadyHandled(locked)
        answer = locked.answers.order_by("-written_at", "-pk").first()
        assert answer is not None  # ANSWERED is only reached by writing one
        _publish_pair(locked, answer, actor=moderator, now=now)
    return locked


def return_answer(
    *, question: Question, moderator: User, note: str, now: datetime | None = None
) -> Question:
    """Send the answer back to its author with a note; their next version replaces it."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(question)
        if locked.status != QuestionStatus.ANSWERED:
            raise AlreadyHandled(locked)
        locked.status = QuestionStatus.ASSIGNED
        _step(locked, kind=StepKind.RETURN, actor=moderator, at=now, note=note)
        _announce(locked.session, locked)
    return locked


# The clock ------------------------------------------------------------------------------------


def close_due_chats(*, now: datetime | None = None) -> int:
    """Close every chat whose window has ended: what is still waiting is marked "not
    reached", recorded at the announced closing time. Returns how many chats closed."""
    now = now or timezone.now()
    closed = 0
    due = ChatSession.objects.filter(closed_at__isnull=True, closes_at__lte=now)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            session = ChatSession.objects.select_for_update().select_related("dialogue").get(pk=pk)
            if session.closed_at is not None:
                continue
            at = session.closes_at
            for question in session.questions.filter(status__in=OPEN_STATUSES).order_by("pk"):
                locked = _lock(question)
                locked.status = QuestionStatus.NOT_REACHED
                _step(locked, kind=StepKind.NOT_REACHED, actor=None, at=at)
            session.closed_at = at
            session.save(update_fields=["closed_at"])
            append_entry(
                kind=EntryKind.CHAT_CLOSED,
                at=at,
                dialogue=session.dialogue,
                channel=Channel.STAFF,
                subject_type="chat",
                subject_id=session.pk,
                subject_ref=session.slug,
                data={"counts": presentation.status_counts(session)},
            )
            _announce(
                session,
                public_kind="chat.closed",
                public_payload={"html": presentation.closed_fragments(session)},
                staff_kind="chat.closed",
            )
            closed += 1
    return closed
