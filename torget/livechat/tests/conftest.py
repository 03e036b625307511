"""The chat world: Olga's dialogue holds a live chat moderated by Alice and Moritz, with Bob
(Socialdemokratiet) and Vera (Venstre) on the panel. Carla asks through the real action."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from torget.accounts.models import Organisation, Party, Role, User
from torget.conftest import make_person
from torget.dialogues.models import Dialogue
from torget.livechat import actions
from torget.livechat.models import ChatSession, Question


@pytest.fixture
def vera(organisation: Organisation) -> User:
    other = Party.objects.create(organisation=organisation, name="Venstre", abbreviation="V")
    user = make_person(organisation, "vera", Role.POLITICIAN, with_device=False)
    user.party = other
    user.save(update_fields=["party"])
    return user


@pytest.fixture
def make_chat(
    open_dialogue: Dialogue, olga: User, alice: User, moritz: User, bob: User, vera: User
) -> Callable[..., ChatSession]:
    def _make(**overrides: Any) -> ChatSession:
        now = timezone.now()
        values: dict[str, Any] = {
            "dialogue": open_dialogue,
            "actor": olga,
            "slug": "spoergetime",
            "title": "Spørg politikerne om cykelstien",
            "description": "Politikerne svarer i en time.",
            "opens_at": now - timedelta(minutes=10),
            "closes_at": now + timedelta(minutes=50),
            "question_max_length": 300,
            "answers_reviewed": False,
            "upvotes_enabled": False,
            "moderators": [alice, moritz],
            "panel": [bob, vera],
        }
        values.update(overrides)
        return actions.create_chat_session(**values)

    return _make


@pytest.fixture
def chat(make_chat: Callable[..., ChatSession]) -> ChatSession:
    return make_chat()


@pytest.fixture
def ask() -> Callable[..., Question]:
    def _ask(
        session: ChatSession, text: str = "Hvornår bliver stien bygget?", **kw: Any
    ) -> Question:
        question, _created = actions.ask_question(
            session=session,
            display_name=kw.pop("display_name", "Carla"),
            text=text,
            submission_token=kw.pop("submission_token", uuid.uuid4()),
            client_hash=kw.pop("client_hash", "carla"),
            language=kw.pop("language", "da"),
            **kw,
        )
        return question

    return _ask
