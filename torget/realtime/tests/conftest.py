"""Real servers for the real-time tests, and small helpers.

``inprocess_server``: uvicorn in a thread of this process, so that the in-process broker
carries what the test publishes to the server's hub (as it carries an action's events to the
hub of the same worker in production). ``postgres_workers``: ``torget serve --workers 2`` in
a child process with the PostgreSQL broker, against this test run's database.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import uvicorn
from asgiref.sync import async_to_sync
from django.db import connection, transaction
from pytest_django import Settings

from torget.asgi import application
from torget.realtime.actions import publish
from torget.realtime.hub import Hub, Viewer, get_hub
from torget.realtime.tests.sse_client import Address
from torget.realtime.wire import Frame

ROOT = Path(__file__).resolve().parents[3]
START_TIMEOUT_SECONDS = 60.0
QUEUE_TIMEOUT_SECONDS = 10.0
TEST_URLS = "torget.realtime.tests.urls"

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/torget_ci",
)


def publish_committed(stream: str, **payload: Any) -> int:
    """Publish from this process in a transaction of its own, as an action does."""
    with transaction.atomic():
        return publish(stream=stream, kind="test.note", payload=payload).seq


async def next_frame(viewer: Viewer) -> Frame | None:
    async with asyncio.timeout(QUEUE_TIMEOUT_SECONDS):
        return await viewer.queue.get()


def with_hub(scenario: Callable[[Hub], Awaitable[None]]) -> None:
    """Run ``scenario`` on an event loop with this process's hub, then stop the hub.

    ``async_to_sync`` brings the scenario's ``sync_to_async`` calls (publishing, the hub's
    reads) back to the test's own thread and database connection.
    """

    async def main() -> None:
        hub = get_hub()
        try:
            await scenario(hub)
        finally:
            await hub.close()

    async_to_sync(main)()


async def until(condition: Callable[[], bool]) -> None:
    """Wait for something the hub does on its own time (dropping a viewer, say)."""
    async with asyncio.timeout(QUEUE_TIMEOUT_SECONDS):
        while not condition():
            await asyncio.sleep(0.01)


@contextmanager
def uvicorn_in_thread() -> Iterator[Address]:
    """Serve Torget's ASGI application from a thread of this process on a free port, so the
    in-process broker carries what this process publishes to the server's hub."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            application, lifespan="off", log_level="warning", timeout_graceful_shutdown=2
        )
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not server.started:
        assert thread.is_alive(), "the test server stopped while starting"
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    try:
        yield Address("127.0.0.1", port)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()
        assert not thread.is_alive(), "the test server did not stop"


@pytest.fixture
def inprocess_server(transactional_db: None, settings: Settings) -> Iterator[Address]:
    settings.REALTIME_BROKER = "inprocess"
    settings.REALTIME_HEARTBEAT_SECONDS = 1
    settings.ROOT_URLCONF = TEST_URLS
    with uvicorn_in_thread() as address:
        yield address


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _database_url() -> str:
    """This test run's database (``test_…``), which the child processes must use too."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or "5432"
    return f"postgres://{credentials}@{host}:{port}/{quote(db['NAME'], safe='')}"


@contextmanager
def workers_serving(settings_module: str, log_path: Path) -> Iterator[Address]:
    """``torget serve --workers 2`` in a child process with the PostgreSQL broker, against
    this test run's database."""
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": _database_url(),
        "REALTIME_BROKER": "postgres",
        "REALTIME_HEARTBEAT_SECONDS": "1",
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own command
            [sys.executable, "-m", "torget", "serve", "--port", str(port), "--workers", "2"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    address = Address("127.0.0.1", port)
    try:
        _wait_until_answering(address, process, log_path)
        yield address
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def postgres_workers(
    transactional_db: None, settings: Settings, tmp_path: Path
) -> Iterator[Address]:
    settings.REALTIME_BROKER = "postgres"  # for what this process publishes
    with workers_serving(
        "torget.realtime.tests.server_settings", tmp_path / "server.log"
    ) as address:
        yield address


def _wait_until_answering(address: Address, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        if process.poll() is not None:
            pytest.fail(f"torget serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            with socket.create_connection((address.host, address.port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail(f"torget serve did not answer in time:\n{log.read_text()}")
            time.sleep(0.1)
