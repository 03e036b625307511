"""Who may do what in a live chat: typed predicates over (person, chat)."""

from __future__ import annotations

from torget.accounts.models import User
from torget.accounts.permissions import AnyUser, can_manage_dialogues, can_moderate, is_politician
from torget.dialogues.models import Dialogue
from torget.dialogues.permissions import can_edit_dialogue
from torget.livechat.models import RETIRED_SEAT_POSITION, ChatSession, Question, QuestionStatus


def can_create_chat(user: AnyUser, dialogue: Dialogue) -> bool:
    """Whoever may still change the dialogue's mission card may add a chat to it."""
    return can_edit_dialogue(user, dialogue)


def can_edit_chat(user: AnyUser, session: ChatSession) -> bool:
    return can_manage_dialogues(user) and session.closed_at is None


def can_moderate_chat(user: AnyUser, session: ChatSession) -> bool:
    """Moderators named for this chat, and no one else, screen its questions."""
    return (
        isinstance(user, User)
        and can_moderate(user)
        and session.moderators.filter(pk=user.pk).exists()
    )


def is_on_panel(user: AnyUser, session: ChatSession) -> bool:
    return (
        isinstance(user, User)
        and is_politician(user)
        and session.seats.filter(politician=user, position__lt=RETIRED_SEAT_POSITION).exists()
    )


def can_answer(user: AnyUser, question: Question) -> bool:
    """Only the politician a question is assigned to answers it, and only while it waits."""
    return (
        isinstance(user, User)
        and question.status == QuestionStatus.ASSIGNED
        and question.assigned_to_id == user.pk
        and is_politician(user)
    )


def can_follow_chat_staff_stream(user: AnyUser, session: ChatSession) -> bool:
    return can_moderate_chat(user, session) or is_on_panel(user, session)
