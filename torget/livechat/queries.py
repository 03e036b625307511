"""Reusable reads and the permission-checked getters every chat view fetches through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from torget.accounts.models import Organisation, User
from torget.accounts.permissions import AnyUser
from torget.dialogues.models import Dialogue
from torget.livechat.actions import (
    LIVE_DIALOGUE_STATES,
    PUBLIC_CHAT_CACHE_SECONDS,
    WAITING_STATUSES,
    public_chat_cache_key,
    takes_questions,
)
from torget.livechat.models import (
    Answer,
    ChatSession,
    Question,
    QuestionStatus,
    public_stream_name,
)
from torget.livechat.permissions import can_edit_chat, can_follow_chat_staff_stream
from torget.livechat.presentation import pair_context, parties_on_panel


def get_public_chat(organisation: Organisation, slug: str) -> ChatSession:
    """The chat with its dialogue, for the pages that show it; the authority is the caller's,
    not joined again."""
    try:
        chat = ChatSession.objects.select_related("dialogue").get(
            slug=slug,
            dialogue__organisation=organisation,
            dialogue__state__in=LIVE_DIALOGUE_STATES,
        )
    except ChatSession.DoesNotExist:
        raise Http404 from None
    chat.dialogue.organisation = organisation
    return chat


@dataclass(frozen=True, slots=True)
class PublicChatFacts:
    """What a live viewer's connection and a question need of a public chat before the
    action itself reads the chat under its lock."""

    pk: int
    question_max_length: int
    opens_at: datetime
    closes_at: datetime
    closed_at: datetime | None

    @property
    def public_stream(self) -> str:
        return public_stream_name(self.pk)

    def takes_questions(self, now: datetime) -> bool:
        """The window as these facts know it (the dialogue was public when they were read):
        enough to refuse early; the action decides under the chat's lock."""
        return takes_questions(closes_at=self.closes_at, closed_at=self.closed_at, now=now)


def public_chat_facts(organisation: Organisation, slug: str) -> PublicChatFacts:
    """The facts of the public chat ``slug``, or 404 when the public may not see it.

    Every live viewer's (re)connection and every question asks this, and after a restart ten
    thousand viewers ask at once; so a chat found public is kept in the cache for a few
    seconds (editing the chat drops it). A stream carries only what was public when it was
    published, so a chat whose dialogue went back to draft meanwhile shows nothing new, and
    the question's action checks the chat again under its lock.
    """
    key = public_chat_cache_key(organisation.pk, slug)
    facts: PublicChatFacts | None = cache.get(key)
    if facts is None:
        row = (
            ChatSession.objects.filter(
                slug=slug,
                dialogue__organisation=organisation,
                dialogue__state__in=LIVE_DIALOGUE_STATES,
            )
            .values_list("pk", "question_max_length", "opens_at", "closes_at", "closed_at")
            .first()
        )
        if row is None:
            raise Http404
        facts = PublicChatFacts(*row)
        cache.set(key, facts, PUBLIC_CHAT_CACHE_SECONDS)
    return facts


def published_pairs(session: ChatSession) -> list[dict[str, object]]:
    """Published questions with the answer that was published, in publication order, each
    as the context of ``livechat/_pair.html``. A fixed number of queries however many."""
    questions = list(
        session.questions.filter(status=QuestionStatus.PUBLISHED)
        .select_related("post", "session__dialogue__organisation")
        .order_by("published_at", "pk")
    )
    latest: dict[int, Answer] = {}
    for answer in (
        Answer.objects.filter(question__in=questions)
        .select_related("author", "author__party")
        .order_by("written_at", "pk")
    ):
        latest[answer.question_id] = answer
    parties = parties_on_panel(session)
    return [pair_context(question, latest[question.pk], parties) for question in questions]


def waiting_questions(session: ChatSession) -> QuerySet[Question]:
    return (
        session.questions.filter(status__in=WAITING_STATUSES)
        .select_related("post")
        .order_by("-upvotes", "post__created_at")
    )


def _staff_chats(organisation: Organisation) -> QuerySet[ChatSession]:
    return ChatSession.objects.filter(dialogue__organisation=organisation).select_related(
        "dialogue", "dialogue__organisation"
    )


def get_chat_to_edit(user: AnyUser, organisation: Organisation, pk: int) -> ChatSession:
    chat = _staff_chats(organisation).filter(pk=pk).first()
    if chat is None:
        raise Http404
    if not can_edit_chat(user, chat):
        raise PermissionDenied
    return chat


def get_chat_for_staff(user: AnyUser, organisation: Organisation, pk: int) -> ChatSession:
    """A chat its moderators and panel members may follow; nobody else sees its consoles."""
    chat = _staff_chats(organisation).filter(pk=pk).first()
    if chat is None:
        raise Http404
    if not can_follow_chat_staff_stream(user, chat):
        raise PermissionDenied
    return chat


def get_question_in(chat: ChatSession, reference: str) -> Question:
    question = (
        chat.questions.select_related("post", "session__dialogue__organisation", "assigned_to")
        .filter(post__reference=reference)
        .first()
    )
    if question is None:
        raise Http404
    return question


def chats_of(user: User, organisation: Organisation) -> QuerySet[ChatSession]:
    """Chats this person moderates or sits on the panel of, newest first."""
    return (
        _staff_chats(organisation)
        .filter(Q(moderators=user) | Q(seats__politician=user))
        .distinct()
        .order_by("-opens_at")
    )


def chats_of_dialogue(dialogue: Dialogue) -> QuerySet[ChatSession]:
    return dialogue.chat_sessions.order_by("opens_at", "pk")
