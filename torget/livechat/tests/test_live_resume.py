"""The public chat page's stream, served for real: a viewer whose connection drops and comes
back with Last-Event-ID receives exactly the pairs published meanwhile, no gap and no
duplicate, on the in-process broker (uvicorn in this process) and on the PostgreSQL broker
(`torget serve --workers 2` in a child process)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_django import Settings

from torget.accounts.models import User
from torget.livechat import actions
from torget.livechat.models import ChatSession, Question
from torget.realtime.tests.conftest import on_postgres, uvicorn_in_thread, workers_serving
from torget.realtime.tests.sse_client import Address, LiveStream

Ask = Callable[..., Question]


@pytest.fixture
def chat_server(transactional_db: None, settings: Settings) -> Iterator[Address]:
    settings.REALTIME_BROKER = "inprocess"
    settings.REALTIME_HEARTBEAT_SECONDS = 1
    with uvicorn_in_thread() as address:
        yield address


@pytest.fixture
def chat_workers(transactional_db: None, settings: Settings, tmp_path: Path) -> Iterator[Address]:
    settings.REALTIME_BROKER = "postgres"
    with workers_serving("torget.settings", tmp_path / "server.log") as address:
        yield address


def _publish_pair(chat: ChatSession, ask: Ask, moderator: User, politician: User, n: int) -> str:
    question = ask(chat, f"Spørgsmål {n}")
    actions.assign_question(question=question, moderator=moderator, politician=politician)
    actions.answer_question(question=question, politician=politician, text=f"Svar {n}")
    return question.reference


def _pairs(stream: LiveStream, count: int) -> list[tuple[int, str]]:
    return [(event.id, event.data["ref"]) for event in stream.events(count)]


def _drop_and_resume(server: Address, chat: ChatSession, ask: Ask, alice: User, bob: User) -> None:
    path = f"/chat/{chat.slug}/live/"
    first_ref = _publish_pair(chat, ask, alice, bob, 1)
    # Carla's page was rendered after the first pair; Bob's before any.
    carla = server.open(path, query={"last_event_id": "1"})
    watcher = server.open(path, query={"last_event_id": "0"})
    assert carla.status == 200 and carla.header("Content-Type") == "text/event-stream"
    # Once the watcher has the first pair, the server has read the stream: SQLite's in-memory
    # test database fails a write at once (no busy wait) while another thread reads its table.
    watched = _pairs(watcher, 1)
    second_ref = _publish_pair(chat, ask, alice, bob, 2)
    before_drop = _pairs(carla, 1)
    carla.close()
    missed = [_publish_pair(chat, ask, alice, bob, n) for n in (3, 4)]
    carla = server.open(path, query={"last_event_id": "1"}, last_event_id=str(before_drop[-1][0]))
    after = _pairs(carla, 2)
    live_ref = _publish_pair(chat, ask, alice, bob, 5)
    after += _pairs(carla, 1)

    assert before_drop == [(2, second_ref)]
    assert after == [(3, missed[0]), (4, missed[1]), (5, live_ref)]
    assert watched + _pairs(watcher, 4) == [
        (1, first_ref),
        (2, second_ref),
        (3, missed[0]),
        (4, missed[1]),
        (5, live_ref),
    ]
    carla.close()
    watcher.close()


def test_a_dropped_viewer_resumes_without_gap_or_duplicate_in_process(
    chat_server: Address, chat: ChatSession, ask: Ask, alice: User, bob: User
) -> None:
    _drop_and_resume(chat_server, chat, ask, alice, bob)


@on_postgres
def test_a_dropped_viewer_resumes_without_gap_or_duplicate_on_postgres_workers(
    chat_workers: Address, chat: ChatSession, ask: Ask, alice: User, bob: User
) -> None:
    _drop_and_resume(chat_workers, chat, ask, alice, bob)
