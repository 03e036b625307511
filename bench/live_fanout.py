"""Benchmark: live chat fan-out to N viewers over server-sent events, on PostgreSQL.

What it does, in order (bounded in count and time; it stops by itself):

1. Raises this process's open-file limit to the hard limit (the server and the viewer
   processes inherit it), makes a fresh PostgreSQL database of its own (``--database-url``,
   by default ``torget_bench_live`` on 127.0.0.1; never ``torget_ci`` or ``test_*``),
   migrates it with ``torget migrate`` and builds an authority, its rule set, a dialogue, a
   moderator, a panel of two politicians and one open live chat (answers not reviewed)
   through the real actions. It asks and assigns every question it will need up front
   (``ask_question``, ``assign_question``), so that each measured publication is exactly one
   ``answer_question``: one ``qa.published`` event on the chat's public stream.
2. Starts ``torget serve --port P --workers W`` with ``REALTIME_BROKER=postgres`` (this
   process publishes; every worker LISTENs) and ``REALTIME_TRACE_FILE`` (each worker notes
   when it last wrote each event to one of its viewers: ``torget/realtime/trace.py``).
   With one worker and two CPUs the server is pinned to one and everything else here to
   the other; with several workers nothing is pinned.
3. Opens N viewers of ``GET /chat/<slug>/live/?last_event_id=<head>`` spread over several
   viewer processes, each an asyncio loop with raw HTTP/1.1, one ``asyncio.Protocol`` per
   connection decoding the chunked transfer by hand as bytes arrive. Each viewer records
   (seq, ref, ``time.time()`` on receipt) per event and, like a browser's EventSource,
   reconnects after the server's ``retry:`` delay with ``Last-Event-ID`` set to the last
   event it received.
4. Fan-out: publishes one warm-up pair (waits until every viewer has it, so every viewer is
   subscribed), then M pairs, one every ``--interval`` seconds. Publication time is taken
   just before the commit: the bench wraps ``answer_question`` in its own transaction and
   reads ``time.time()`` as the last thing inside it. Client latency = receipt − that time
   (one clock: same machine); server latency = the worker's last write of that event − that
   time (the latest over all workers).
5. ``--asks K``: while the viewers watch (and answers go on being published every
   ``--interval`` s), posts K questions through the real form ``POST /chat/<slug>/ask/``
   from ``--ask-connections`` keep-alive connections, each sending its next form when its
   last is answered (32 by default: such senders cannot ask faster than their number ÷ the
   answer time, whereas 200 citizens a second, each in a browser of their own, keep some
   20–30 forms in flight) (CSRF cookie and token from a GET
   of the chat page, a fresh ``submission_token`` per form), server started with
   ``CHAT_QUESTION_RATE_LIMIT=1000000`` because every request comes from 127.0.0.1. Counts
   302s to a receipt; then checks in the database that each is stored exactly once under the
   reference its receipt named.
6. ``--reconnect``: stops the server (SIGTERM: uvicorn cuts the live responses after its
   5 s grace), publishes half of ``--reconnect-messages`` while it is down, one after the
   other (not paced at ``--interval``, so that the downtime measured is the restart's own),
   starts it again on the same port and publishes the other half.
   ``reconnect_seconds`` is the time from the stop until the last viewer has received every
   event published while the server was down; ``reconnect_missing`` and
   ``reconnect_duplicates`` count over those events and the ones after.
7. Every viewer's events are checked against the stream: ``missing`` (numbers after the
   viewer's first ``last_event_id`` up to the last published that it never received),
   ``duplicates`` and ``out_of_order`` (an event received after a higher number), summed
   over all viewers, plus events whose ref differs between viewers or from what the bench
   published. The last stdout line is one JSON object; progress goes to stderr.

Run from the repository root: ``.venv/bin/python bench/live_fanout.py --viewers 1000
--messages 200`` (``--help``). The exit code is 0 when nothing was missing, duplicated, out of
order or wrong (and every ask was stored exactly once), whether or not the speed targets
were met; the JSON says which were.
"""

from __future__ import annotations

import argparse
import array
import asyncio
import functools
import http.client
import json
import math
import multiprocessing
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.cookies import SimpleCookie
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlencode, urlsplit

from benchkit import machine_facts, machine_load, ms, percentile, wait_for_quiet

REPO = Path(__file__).resolve().parent.parent
SLUG = "bench-live"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/torget_bench_live"
RATE_LIMIT_FOR_BENCH = 1_000_000
ASK_NAME_PREFIX = "Bench asker "
TARGETS = {
    # viewers at or above: (p50 limit ms or None, p99 limit ms)
    1_000: (None, 100.0),
    10_000: (250.0, 1000.0),
}
ASKS_TARGET_PER_S = 200.0
RECONNECT_TARGET_SECONDS = 30.0

CSRF_FIELD_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RECEIPT_RE = re.compile(r"^(?:https?://[^/]+)?/question/([^/]+)/$")
REF_RE = re.compile(rb'"ref":"([^"]+)"')
QUESTION_TEXT = (
    "Hvornår bliver cykelstien langs Åvej færdig, og hvordan bliver krydset ved skolen "
    "sikret i anlægsperioden? ({tag})"
)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def raise_open_files_limit() -> tuple[int, int]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU of every live process in process group ``pgid`` (the server's)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def group_alive(pgid: int) -> bool:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                return True
    return False


# The viewers (in their own processes) ------------------------------------------------------


@dataclass
class ViewerState:
    seqs: array.array[int] = field(default_factory=lambda: array.array("q"))
    times: array.array[float] = field(default_factory=lambda: array.array("d"))
    last: int | None = None
    retry_ms: int = 3000
    connections: int = 0
    live: bool = False


class ViewerConnection(asyncio.Protocol):
    """One live response, decoded as its bytes arrive (the response head, then the chunked
    body, then SSE frames), without a task waking up for every read: ten thousand viewers
    share two cores with the server they measure."""

    def __init__(self, process: ViewerProcess, state: ViewerState, request: bytes) -> None:
        loop = asyncio.get_running_loop()
        self.process, self.state, self.request = process, state, request
        self.head: asyncio.Future[bytes] = loop.create_future()  # the status code
        self.closed: asyncio.Future[None] = loop.create_future()
        self.raw = bytearray()  # chunked body not decoded yet
        self.text = bytearray()  # decoded body not split into frames yet
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports do not derive from asyncio's classes; they have the same methods.
        self.transport = cast(asyncio.Transport, transport)
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        received = time.time()
        raw = self.raw
        raw += data
        if not self.head.done():
            end = raw.find(b"\r\n\r\n")
            if end < 0:
                return
            status = bytes(raw[: raw.index(b"\r\n")].split(b" ", 2)[1])
            del raw[: end + 4]
            self.head.set_result(status)
            if status != b"200":
                self.end()
                return
        while True:
            eol = raw.find(b"\r\n")
            if eol < 0:
                break
            size = int(raw[:eol], 16)
            if size == 0:
                self.end()  # the last chunk: the server ended the response
                return
            chunk_end = eol + 2 + size
            if len(raw) < chunk_end + 2:
                break
            self.text += raw[eol + 2 : chunk_end]
            del raw[: chunk_end + 2]
        text = self.text
        while (cut := text.find(b"\n\n")) >= 0:
            frame = bytes(text[:cut])
            del text[: cut + 2]
            self.process.on_frame(frame, self.state, received)

    def end(self) -> None:
        assert self.transport is not None
        self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.head.done():
            self.head.set_exception(exc or ConnectionResetError("closed before the response"))
        if not self.closed.done():
            self.closed.set_result(None)


class ViewerProcess:
    """One process's share of the viewers. Commands arrive over ``pipe``: ("connect",
    path, count), ("status",), ("stop",); each is answered with one message."""

    def __init__(self, pipe: Connection, port: int, connect_concurrency: int) -> None:
        self.pipe = pipe
        self.port = port
        self.viewers: list[ViewerState] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.path = ""
        self.errors: Counter[str] = Counter()
        self.refs: dict[int, bytes] = {}
        self.ref_conflicts = 0
        self.stopping = False
        self.connecting = asyncio.Semaphore(connect_concurrency)
        self.done = asyncio.Event()
        self.live_count = 0

    def on_command(self) -> None:
        while self.pipe.poll():
            command = self.pipe.recv()
            if command[0] == "connect":
                _, self.path, count = command
                for _ in range(count):
                    state = ViewerState()
                    self.viewers.append(state)
                    self.tasks.append(asyncio.get_running_loop().create_task(self.run(state)))
                self.pipe.send(("ok",))
            elif command[0] == "status":
                lasts = [v.last if v.last is not None else -1 for v in self.viewers]
                self.pipe.send(
                    (
                        "status",
                        {
                            "live": self.live_count,
                            "min_last": min(lasts) if lasts else -1,
                            "connections": sum(v.connections for v in self.viewers),
                            "errors": dict(self.errors),
                        },
                    )
                )
            elif command[0] == "stop":
                self.stopping = True
                for task in self.tasks:
                    task.cancel()
                self.done.set()

    async def run(self, state: ViewerState) -> None:
        host = "127.0.0.1"
        loop = asyncio.get_running_loop()
        while not self.stopping:
            transport: asyncio.BaseTransport | None = None
            try:
                async with self.connecting:
                    headers = f"Host: {host}:{self.port}\r\nAccept: text/event-stream\r\n"
                    if state.last is not None:
                        headers += f"Last-Event-ID: {state.last}\r\n"
                    request = f"GET {self.path} HTTP/1.1\r\n{headers}\r\n".encode()
                    transport, connection = await loop.create_connection(
                        functools.partial(ViewerConnection, self, state, request), host, self.port
                    )
                    status = await connection.head
                if status != b"200":
                    self.errors[f"status {status.decode()}"] += 1
                else:
                    state.connections += 1
                    state.live = True
                    self.live_count += 1
                    try:
                        await connection.closed
                    finally:
                        state.live = False
                        self.live_count -= 1
                    self.errors["stream ended by server"] += 1
            except asyncio.CancelledError:
                raise
            except OSError as exc:
                self.errors[type(exc).__name__] += 1
            finally:
                if transport is not None:
                    transport.close()
            # As EventSource does: wait the server's retry time, then reconnect.
            await asyncio.sleep(state.retry_ms / 1000)

    def on_frame(self, frame: bytes, state: ViewerState, received: float) -> None:
        if frame.startswith(b"id: "):
            seq = int(frame[4 : frame.index(b"\n")])
            state.seqs.append(seq)
            state.times.append(received)
            state.last = seq
            match = REF_RE.search(frame)
            ref = match.group(1) if match else b""
            known = self.refs.setdefault(seq, ref)
            if known != ref:
                self.ref_conflicts += 1
        elif frame.startswith(b"retry: "):
            state.retry_ms = int(frame[7:])

    def dump(self) -> dict[str, Any]:
        return {
            "viewers": [(v.seqs.tobytes(), v.times.tobytes(), v.connections) for v in self.viewers],
            "errors": dict(self.errors),
            "refs": {seq: ref.decode() for seq, ref in self.refs.items()},
            "ref_conflicts": self.ref_conflicts,
            "cpu_s": time.process_time(),
        }

    async def main(self) -> None:
        loop = asyncio.get_running_loop()
        loop.add_reader(self.pipe.fileno(), self.on_command)
        await self.done.wait()
        loop.remove_reader(self.pipe.fileno())
        os.set_blocking(self.pipe.fileno(), True)  # the event loop made it non-blocking
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.pipe.send(("dump", self.dump()))


def viewer_process_main(
    pipe: Connection, port: int, connect_concurrency: int, cpus: list[int] | None
) -> None:
    if cpus:
        os.sched_setaffinity(0, set(cpus))

    async def start() -> None:
        await ViewerProcess(pipe, port, connect_concurrency).main()

    try:
        import uvloop

        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            runner.run(start())
    except ImportError:
        asyncio.run(start())


class Viewers:
    """The parent's handle on the viewer processes."""

    def __init__(self, count: int, processes: int, port: int, concurrency: int, cpus: Any):
        context = multiprocessing.get_context("spawn")
        self.pipes: list[Connection] = []
        self.processes: list[Any] = []
        self.shares = [
            count // processes + (1 if i < count % processes else 0) for i in range(processes)
        ]
        for _ in range(processes):
            parent, child = context.Pipe()
            process = context.Process(
                target=viewer_process_main, args=(child, port, concurrency, cpus), daemon=True
            )
            process.start()
            child.close()
            self.pipes.append(parent)
            self.processes.append(process)

    def connect(self, path: str) -> None:
        for pipe, share in zip(self.pipes, self.shares, strict=True):
            pipe.send(("connect", path, share))
        for pipe in self.pipes:
            pipe.recv()

    def status(self) -> dict[str, Any]:
        for pipe in self.pipes:
            pipe.send(("status",))
        replies = [pipe.recv()[1] for pipe in self.pipes]
        errors: Counter[str] = Counter()
        for reply in replies:
            errors.update(reply["errors"])
        return {
            "live": sum(r["live"] for r in replies),
            "min_last": min(r["min_last"] for r in replies),
            "connections": sum(r["connections"] for r in replies),
            "errors": dict(errors),
        }

    def wait(
        self, condition: Callable[[dict[str, Any]], bool], limit: float, what: str
    ) -> tuple[bool, float, dict[str, Any]]:
        """Poll until ``condition(status)``; (met, seconds, last status)."""
        started = time.time()
        last_said = started
        while True:
            status = self.status()
            if condition(status):
                return True, time.time() - started, status
            now = time.time()
            if now - started > limit:
                return False, now - started, status
            if now - last_said > 5:
                say(
                    f"  … {what}: {status['live']} live, lowest last event {status['min_last']}, "
                    f"errors {status['errors']}"
                )
                last_said = now
            time.sleep(0.05)

    def stop(self) -> list[dict[str, Any]]:
        for pipe in self.pipes:
            pipe.send(("stop",))
        dumps = [pipe.recv()[1] for pipe in self.pipes]
        for process in self.processes:
            process.join(30)
        return dumps


# The server ---------------------------------------------------------------------------------


def torget_command() -> list[str]:
    script = Path(sys.executable).with_name("torget")
    return [str(script)] if script.exists() else [sys.executable, "-m", "torget"]


class Server:
    def __init__(self, port: int, workers: int, env: dict[str, str], log: Path, cpus: Any):
        self.port, self.workers, self.env, self.log_path, self.cpus = port, workers, env, log, cpus
        self.process: subprocess.Popen[bytes] | None = None
        self.cpu_before_stop = 0.0

    def start(self) -> float:
        started = time.time()
        own = os.sched_getaffinity(0)
        if self.cpus:
            os.sched_setaffinity(0, set(self.cpus))  # inherited at fork
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    *torget_command(),
                    "serve",
                    "--port",
                    str(self.port),
                    "--workers",
                    str(self.workers),
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=REPO,
                start_new_session=True,
            )
        os.sched_setaffinity(0, own)
        deadline = started + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited early:\n{self.log_path.read_text()[-3000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", f"/chat/{SLUG}/")
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    return time.time() - started
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"the server did not answer in 60 s:\n{self.log_path.read_text()[-3000:]}")

    def cpu_seconds(self) -> float:
        assert self.process is not None
        return self.cpu_before_stop + group_cpu_seconds(self.process.pid)

    def stop(self) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        self.cpu_before_stop += group_cpu_seconds(process.pid)
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)
        # Workers may outlive the supervisor for a moment.
        deadline = time.time() + 15
        while group_alive(process.pid) and time.time() < deadline:
            time.sleep(0.1)


# The database and the world -----------------------------------------------------------------


def database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name or name == "torget_ci" or name.startswith("test_"):
        raise SystemExit(f"refusing database {name!r}: use a name of the benchmark's own")
    return name


def recreate_database(url: str, *, drop_only: bool = False) -> None:
    import psycopg

    name = database_name(url)
    server = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


@dataclass
class World:
    chat_pk: int
    stream: str
    moderator_pk: int
    politician_pks: list[int]
    # questions asked and assigned, ready to be answered: (question pk, politician pk)
    ready: list[tuple[int, int]]


def build_world(pairs: int) -> World:
    from django.utils import timezone

    from torget.accounts.actions import grant_roles
    from torget.accounts.models import Committee, Organisation, Party, Role, User
    from torget.dialogues import actions as dialogue_actions
    from torget.dialogues.actions import MissionCard
    from torget.dialogues.models import DialogueState, ModerationMode, ParticipationLevel
    from torget.livechat import actions
    from torget.moderation.rule_actions import publish_default_rule_set

    now = timezone.now()
    organisation = Organisation.objects.create(
        name="Benchby Kommune",
        slug="benchby",
        country="DK",
        default_language="da",
        time_zone="Europe/Copenhagen",
        contact_email="dialog@benchby.example",
        customer_service_email="borgerservice@benchby.example",
        customer_service_name="Borgerservice",
    )
    publish_default_rule_set(organisation=organisation)
    committee = Committee.objects.create(organisation=organisation, name="Teknik- og Miljøudvalget")

    def person(username: str, role: Role, party: Party | None = None) -> User:
        user = User.objects.create_user(
            username=username,
            password=uuid.uuid4().hex,
            first_name=username.capitalize(),
            organisation=organisation,
        )
        grant_roles(user=user, roles=[role])
        if party is not None:
            user.party = party
            user.save(update_fields=["party"])
        return user

    owner = person("olga", Role.DIALOGUE_OWNER)
    moderator = person("alice", Role.MODERATOR)
    parties = [
        Party.objects.create(organisation=organisation, name="Socialdemokratiet", abbreviation="A"),
        Party.objects.create(organisation=organisation, name="Venstre", abbreviation="V"),
    ]
    panel = [
        person("bob", Role.POLITICIAN, parties[0]),
        person("vera", Role.POLITICIAN, parties[1]),
    ]
    opens_at = now - timedelta(days=1)
    card = MissionCard(
        slug="cykelsti",
        title="Ny cykelsti langs Åvej",
        assignment="Hvilken linjeføring skal cykelstien have?",
        commissioned_by=committee,
        participation_level=ParticipationLevel.CONSULT,
        open_to_influence="Linjeføringen og belysningen.",
        not_open_to_influence="Budgettet.",
        input_handling="Alle indlæg samles i et notat til udvalget.",
        opens_at=opens_at,
        closes_at=now + timedelta(days=7),
        feedback_due=(now + timedelta(days=30)).date(),
        case_number="24.05.00-P20-3-26",
        moderation_mode=ModerationMode.PRE,
    )
    dialogue = dialogue_actions.create_dialogue(
        organisation=organisation, owner=owner, card=card, now=opens_at - timedelta(hours=1)
    )
    dialogue_actions.schedule_dialogue(dialogue=dialogue, actor=owner, now=now)
    dialogue.refresh_from_db()
    assert dialogue.state == DialogueState.OPEN, dialogue.state
    chat = actions.create_chat_session(
        dialogue=dialogue,
        actor=owner,
        slug=SLUG,
        title="Spørg politikerne om cykelstien",
        description="Politikerne svarer, så længe tiden tillader det.",
        opens_at=now - timedelta(minutes=10),
        closes_at=now + timedelta(hours=12),
        question_max_length=500,
        answers_reviewed=False,
        upvotes_enabled=False,
        moderators=[moderator],
        panel=panel,
    )
    ready: list[tuple[int, int]] = []
    for n in range(pairs):
        question, _created = actions.ask_question(
            session_pk=chat.pk,
            max_length=chat.question_max_length,
            display_name=f"Borger {n}",
            text=QUESTION_TEXT.format(tag=f"b{n}"),
            submission_token=uuid.uuid4(),
            client_hash=f"{n % 97:032x}",
            language="da",
        )
        politician = panel[n % len(panel)]
        actions.assign_question(question=question, moderator=moderator, politician=politician)
        ready.append((question.pk, politician.pk))
    return World(
        chat_pk=chat.pk,
        stream=chat.public_stream,
        moderator_pk=moderator.pk,
        politician_pks=[p.pk for p in panel],
        ready=ready,
    )


class Publisher:
    """Answers the prepared questions through ``answer_question``: one public event each."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.next = 0
        # seq -> (ref, wall-clock time just before commit, commit seconds)
        self.published: dict[int, tuple[str, float, float]] = {}

    def head(self) -> int:
        from torget.realtime.queries import head

        return head(self.world.stream)

    def publish_one(self) -> int:
        from django.db import transaction

        from torget.accounts.models import User
        from torget.livechat.actions import answer_question
        from torget.livechat.models import Question
        from torget.realtime.models import Stream

        question_pk, politician_pk = self.world.ready[self.next]
        self.next += 1
        question = Question.objects.select_related("post").get(pk=question_pk)
        politician = User.objects.get(pk=politician_pk)
        with transaction.atomic():
            answer_question(
                question=question,
                politician=politician,
                text=f"Tak for spørgsmålet. Svar nummer {self.next}: vi forventer at "
                "åbne stien til sommer, og krydset får en midlertidig signalregulering.",
            )
            # We hold the stream's row lock until commit, so this is our number.
            seq = Stream.objects.get(name=self.world.stream).last_seq
            before_commit = time.time()
        committed = time.time()
        self.published[seq] = (question.reference, before_commit, committed - before_commit)
        return seq

    def publish_paced(
        self, count: int, interval: float, stop: threading.Event | None = None
    ) -> list[int]:
        seqs: list[int] = []
        due = time.perf_counter()
        for _ in range(count):
            if stop is not None and stop.is_set():
                break
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            seqs.append(self.publish_one())
            due += interval
        return seqs


# Asking over HTTP while the viewers watch -----------------------------------------------------


@dataclass
class AskRun:
    accepted: dict[str, str] = field(default_factory=dict)  # token -> reference
    latencies: list[float] = field(default_factory=list)
    refused: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    unanswered: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0


def run_asks(port: int, count: int, connections: int, time_limit: float) -> AskRun:
    run = AskRun()
    lock = threading.Lock()
    issued = 0
    start = threading.Barrier(connections + 1)
    deadline = math.inf
    origin = f"http://127.0.0.1:{port}"

    def take() -> int | None:
        nonlocal issued
        with lock:
            if issued >= count or time.perf_counter() > deadline:
                return None
            issued += 1
            return issued - 1

    def form_of(conn: http.client.HTTPConnection) -> tuple[str, str]:
        conn.request("GET", f"/chat/{SLUG}/")
        response = conn.getresponse()
        body = response.read().decode()
        cookie = SimpleCookie()
        for header in response.msg.get_all("Set-Cookie") or []:
            cookie.load(header)
        match = CSRF_FIELD_RE.search(body)
        if response.status != 200 or "csrftoken" not in cookie or match is None:
            raise RuntimeError(f"no form on the chat page ({response.status})")
        return cookie["csrftoken"].value, match.group(1)

    def worker(number: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            cookie, csrf = form_of(conn)
        except (OSError, http.client.HTTPException, RuntimeError) as exc:
            with lock:
                run.errors[f"form: {exc}"] += 1
            start.wait()
            return
        start.wait()
        while (index := take()) is not None:
            token = str(uuid.uuid4())
            body = urlencode(
                {
                    "csrfmiddlewaretoken": csrf,
                    "display_name": f"{ASK_NAME_PREFIX}{number}",
                    "text": QUESTION_TEXT.format(tag=f"a{index}"),
                    "website": "",
                    "submission_token": token,
                }
            )
            t0 = time.perf_counter()
            try:
                conn.request(
                    "POST",
                    f"/chat/{SLUG}/ask/",
                    body=body,
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Cookie": f"csrftoken={cookie}",
                        "Origin": origin,
                        "Referer": f"{origin}/chat/{SLUG}/",
                    },
                )
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    run.errors[type(exc).__name__] += 1
                    run.unanswered.append(token)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            elapsed = time.perf_counter() - t0
            location = response.getheader("Location", "")
            receipt = RECEIPT_RE.match(location) if response.status == 302 else None
            with lock:
                if receipt is not None:
                    run.accepted[token] = receipt.group(1)
                    run.latencies.append(elapsed)
                else:
                    run.refused[f"status {response.status} {location}".strip()] += 1
                    run.unanswered.append(token)
        conn.close()

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(connections)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    deadline = began + time_limit
    for thread in threads:
        thread.join(time_limit + 60)
    run.wall_seconds = time.perf_counter() - began
    return run


def check_asks_stored(run: AskRun, chat_pk: int) -> dict[str, Any]:
    from django.db import connection

    from torget.livechat.models import Question

    stored: dict[str, list[str]] = {}
    tokens = list(run.accepted)
    for i in range(0, len(tokens), 500):
        chunk = [uuid.UUID(token) for token in tokens[i : i + 500]]
        for token, reference in Question.objects.filter(
            post__submission_token__in=chunk
        ).values_list("post__submission_token", "post__reference"):
            stored.setdefault(str(token), []).append(reference)
    lost = sum(1 for token in tokens if token not in stored)
    wrong = sum(1 for token in tokens if token in stored and stored[token] != [run.accepted[token]])
    unacknowledged = 0
    for i in range(0, len(run.unanswered), 500):
        chunk = [uuid.UUID(token) for token in run.unanswered[i : i + 500]]
        unacknowledged += Question.objects.filter(post__submission_token__in=chunk).count()
    rows = Question.objects.filter(
        session_id=chat_pk, post__display_name__startswith=ASK_NAME_PREFIX
    ).count()
    connection.close()
    return {
        "acknowledged": len(tokens),
        "rows_stored": rows,
        "lost": lost,
        "wrong_reference": wrong,
        "stored_without_acknowledgement": unacknowledged,
        "exactly_once": lost == 0 and wrong == 0 and rows == len(tokens) + unacknowledged,
    }


# Analysis -------------------------------------------------------------------------------------


def read_trace(path: Path, stream: str) -> dict[int, tuple[float, int]]:
    """seq -> (latest write over all workers, viewers written) from the server's trace."""
    writes: dict[int, tuple[float, int]] = {}
    if not path.exists():
        return writes
    for line in path.read_text().splitlines():
        _pid, name, seq_text, at_text, count_text = line.split()
        if name != stream:
            continue
        seq, at, count = int(seq_text), float(at_text), int(count_text)
        last, total = writes.get(seq, (0.0, 0))
        writes[seq] = (max(last, at), total + count)
    return writes


@dataclass
class Received:
    seqs: list[array.array[int]]
    times: list[array.array[float]]
    connections: list[int]
    errors: Counter[str]
    refs: dict[int, str]
    ref_conflicts: int
    cpu_s: float


def gather(dumps: list[dict[str, Any]]) -> Received:
    received = Received([], [], [], Counter(), {}, 0, 0.0)
    for dump in dumps:
        for seqs_bytes, times_bytes, connections in dump["viewers"]:
            seqs, times = array.array("q"), array.array("d")
            seqs.frombytes(seqs_bytes)
            times.frombytes(times_bytes)
            received.seqs.append(seqs)
            received.times.append(times)
            received.connections.append(connections)
        received.errors.update(dump["errors"])
        for seq, ref in dump["refs"].items():
            if received.refs.setdefault(seq, ref) != ref:
                received.ref_conflicts += 1
        received.ref_conflicts += dump["ref_conflicts"]
        received.cpu_s += dump["cpu_s"]
    return received


def check_viewers(received: Received, first: int, last: int) -> dict[str, int]:
    """Over every viewer: events in (first, last] never received, received twice, or
    received after a higher number."""
    missing = duplicates = out_of_order = 0
    expected = set(range(first + 1, last + 1))
    for seqs in received.seqs:
        window = [seq for seq in seqs if first < seq <= last]
        distinct = set(window)
        missing += len(expected - distinct)
        duplicates += len(window) - len(distinct)
        highest = first
        for seq in window:
            if seq < highest:
                out_of_order += 1
            highest = max(highest, seq)
    return {"missing": missing, "duplicates": duplicates, "out_of_order": out_of_order}


def latencies(
    received: Received, published: dict[int, tuple[str, float, float]], seqs: list[int]
) -> tuple[list[float], list[float]]:
    """(client latencies over every viewer and event, each viewer's … per event: the last)."""
    wanted = {seq: published[seq][1] for seq in seqs}
    client: list[float] = []
    last_per_event: dict[int, float] = {}
    for viewer_seqs, viewer_times in zip(received.seqs, received.times, strict=True):
        for seq, at in zip(viewer_seqs, viewer_times, strict=True):
            t0 = wanted.get(seq)
            if t0 is not None:
                client.append(at - t0)
                if at - t0 > last_per_event.get(seq, -math.inf):
                    last_per_event[seq] = at - t0
    return client, list(last_per_event.values())


def summary(values: list[float]) -> dict[str, float | None]:
    return {
        "p50_ms": ms(percentile(values, 50)),
        "p95_ms": ms(percentile(values, 95)),
        "p99_ms": ms(percentile(values, 99)),
        "max_ms": ms(max(values) if values else None),
    }


# Main -----------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark live chat fan-out over SSE.")
    parser.add_argument("--viewers", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=200, help="measured question-answer pairs")
    parser.add_argument("--workers", type=int, default=1, help="torget serve --workers")
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between answers")
    parser.add_argument("--viewer-processes", type=int, default=0, help="0: one per 2,500, >= 2")
    parser.add_argument(
        "--connect-concurrency", type=int, default=50, help="connects in flight per process"
    )
    parser.add_argument("--asks", type=int, default=0, help="questions POSTed while watching")
    parser.add_argument("--ask-connections", type=int, default=32)
    parser.add_argument(
        "--ask-answers", type=int, default=50, help="most answers published during the asks"
    )
    parser.add_argument("--reconnect", action="store_true", help="restart the server at the end")
    parser.add_argument("--reconnect-messages", type=int, default=20)
    parser.add_argument("--time-limit", type=float, default=180.0, help="seconds per wait")
    parser.add_argument("--pin", choices=("auto", "on", "off"), default="auto")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        help="before starting the server, wait up to this many seconds for CPU pressure < 10%%",
    )
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--keep", action="store_true", help="keep the database and work folder")
    parser.add_argument(
        "--production", action="store_true", help="server with DEBUG=false instead of DEBUG=true"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    database_name(args.database_url)
    nofile = raise_open_files_limit()
    workdir = Path(tempfile.mkdtemp(prefix="torget-bench-live-"))
    port = args.port or free_port()
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": args.database_url,
        "TORGET_DATA_DIR": str(workdir),
        "PORT": str(port),
        "REALTIME_BROKER": "postgres",
        "REALTIME_TRACE_FILE": str(workdir / "writes.trace"),
        "CHAT_QUESTION_RATE_LIMIT": str(RATE_LIMIT_FOR_BENCH),
        "DJANGO_SETTINGS_MODULE": "torget.settings",
        "PYTHONUNBUFFERED": "1",
    }
    if args.production:
        env.update(
            {
                "DEBUG": "false",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SECURE_SSL_REDIRECT": "false",
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            }
        )
    os.environ.update(env)
    recreate_database(args.database_url)
    try:
        return run_benchmark(args, workdir, env, port, nofile)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            recreate_database(args.database_url, drop_only=True)
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            say(f"kept {workdir} and the database")


@contextmanager
def phase(name: str) -> Iterator[None]:
    say(f"{name} …")
    started = time.time()
    yield
    say(f"{name}: {time.time() - started:.1f} s")


def run_benchmark(
    args: argparse.Namespace, workdir: Path, env: dict[str, str], port: int, nofile: Any
) -> int:
    import django

    say(
        f"torget bench: live fan-out, {args.viewers} viewers, {args.messages} messages, "
        f"{args.workers} worker(s), DEBUG={env['DEBUG']}, work folder {workdir}"
    )
    say(f"open files limit (soft, hard): {nofile}")
    t0 = time.time()
    subprocess.run(
        [*torget_command(), "migrate", "--no-input", "-v", "0"], env=env, cwd=REPO, check=True
    )
    migrate_seconds = time.time() - t0
    django.setup()
    facts = machine_facts()
    load_before = machine_load()
    say(
        f"machine: {facts['cpu']}, {facts['cores']} cores, Python {facts['python']}, Django "
        f"{facts['django']}, PostgreSQL {facts['database']['version']}; load {load_before}"
    )

    reconnect_messages = args.reconnect_messages if args.reconnect else 0
    ask_answers = args.ask_answers if args.asks else 0
    pairs = 1 + args.messages + ask_answers + reconnect_messages
    t0 = time.time()
    world = build_world(pairs)
    build_seconds = time.time() - t0
    say(
        f"built the chat and {pairs} asked-and-assigned questions in {build_seconds:.1f} s "
        f"(migrate {migrate_seconds:.1f} s)"
    )

    if args.wait_quiet > 0:
        waited = wait_for_quiet(args.wait_quiet)
        load_before = machine_load()
        say(f"waited {waited:.0f} s for a quiet machine: {load_before}")
    cpus = sorted(os.sched_getaffinity(0))
    pin = args.pin == "on" or (args.pin == "auto" and args.workers == 1)
    server_cpus = cpus[:1] if pin and len(cpus) >= 2 else None
    client_cpus = cpus[1:] if server_cpus else None
    if client_cpus:
        os.sched_setaffinity(0, set(client_cpus))
    say(
        f"pinning: server {server_cpus or 'unpinned'}, viewers and publisher "
        f"{client_cpus or 'unpinned'}"
    )

    publisher = Publisher(world)
    server = Server(port, args.workers, env, workdir / "server.log", server_cpus)
    processes = args.viewer_processes or max(2, math.ceil(args.viewers / 2500))
    result: dict[str, Any] = {
        "benchmark": "live_fanout",
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": facts,
        "load_before": load_before,
        "open_files_limit": list(nofile),
        "viewers": args.viewers,
        "messages": args.messages,
        "workers": args.workers,
        "interval_s": args.interval,
        "viewer_processes": processes,
        "debug": env["DEBUG"] == "true",
        "pinning": {"server": server_cpus, "viewers": client_cpus},
        "publish_time": "time.time() just before the publishing transaction commits",
    }
    ok = True
    viewers: Viewers | None = None
    head0 = warm = 0
    fanout: list[int] = []
    try:
        startup = server.start()
        say(f"server answering on 127.0.0.1:{port} after {startup:.1f} s")
        result["server_startup_s"] = round(startup, 2)
        viewers = Viewers(args.viewers, processes, port, args.connect_concurrency, client_cpus)
        head0 = publisher.head()
        with phase(f"connecting {args.viewers} viewers from {processes} processes"):
            t0 = time.time()
            viewers.connect(f"/chat/{SLUG}/live/?last_event_id={head0}")
            met, _seconds, status = viewers.wait(
                lambda s: s["live"] >= args.viewers, args.time_limit, "connecting"
            )
            result["connect_seconds"] = round(time.time() - t0, 2)
            result["connect_errors"] = status["errors"]
            if not met:
                say(f"WARNING: only {status['live']} viewers connected: {status['errors']}")
                ok = False
        warm = publisher.publish_one()
        met, _s, status = viewers.wait(
            lambda s: s["min_last"] >= warm, args.time_limit, "warm-up event"
        )
        say(f"warm-up event {warm} reached every viewer: {met}")

        # Fan-out ----------------------------------------------------------------------------
        cpu0, wall0 = server.cpu_seconds(), time.time()
        with phase(f"publishing {args.messages} answers, one every {args.interval} s"):
            fanout = publisher.publish_paced(args.messages, args.interval)
            met, _s, status = viewers.wait(
                lambda s: s["min_last"] >= fanout[-1], args.time_limit, "delivery"
            )
            if not met:
                ok = False
        result["fanout_server_cpu_s"] = round(server.cpu_seconds() - cpu0, 2)
        result["fanout_wall_s"] = round(time.time() - wall0, 2)
        result["load_after_fanout"] = machine_load()

        # Asks while watching ------------------------------------------------------------------
        during_asks: list[int] = []
        if args.asks:
            stop = threading.Event()
            answers: list[int] = []
            answerer = threading.Thread(
                target=lambda: answers.extend(
                    publisher_in_thread(publisher, ask_answers, args.interval, stop)
                ),
                daemon=True,
            )
            cpu0 = server.cpu_seconds()
            with phase(f"asking {args.asks} questions over HTTP while answers go on"):
                answerer.start()
                asks = run_asks(port, args.asks, args.ask_connections, args.time_limit)
                stop.set()
                answerer.join(60)
            during_asks = answers
            accepted = len(asks.accepted)
            rate = accepted / asks.wall_seconds if asks.wall_seconds else 0.0
            stored = check_asks_stored(asks, world.chat_pk)
            if during_asks:
                met, _s, status = viewers.wait(
                    lambda s: s["min_last"] >= during_asks[-1], args.time_limit, "delivery"
                )
            result["asks"] = {
                "sent": args.asks,
                "connections": args.ask_connections,
                "accepted": accepted,
                "asks_per_second": round(rate, 1),
                "wall_seconds": round(asks.wall_seconds, 2),
                **summary(asks.latencies),
                "refused": dict(asks.refused),
                "errors": dict(asks.errors),
                "stored": stored,
                "answers_published_meanwhile": len(during_asks),
                "server_cpu_s": round(server.cpu_seconds() - cpu0, 2),
            }
            result["asks_per_second"] = round(rate, 1)
            ok = ok and stored["exactly_once"] and not asks.refused and not asks.errors
            say(
                f"asks: {accepted} accepted in {asks.wall_seconds:.1f} s = {rate:.1f}/s, p99 "
                f"{ms(percentile(asks.latencies, 99))} ms, refused {dict(asks.refused)}, errors "
                f"{dict(asks.errors)}; stored exactly once: {stored['exactly_once']}; "
                f"{len(during_asks)} answers published meanwhile"
            )

        # Reconnect storm ----------------------------------------------------------------------
        down: list[int] = []
        up: list[int] = []
        cut_at = ready_at = 0.0
        if args.reconnect:
            with phase("restarting the server"):
                cut_at = time.time()
                server.stop()
                stopped = time.time() - cut_at
                # Back to back: the downtime is the restart's own, not the publisher's pace.
                down = publisher.publish_paced(reconnect_messages // 2, 0.0)
                restart = server.start()
                ready_at = time.time()
            say(
                f"server stopped in {stopped:.1f} s, {len(down)} events published while down, "
                f"answering again after {restart:.1f} s"
            )
            up = publisher.publish_paced(reconnect_messages - len(down), args.interval)
            last = (up or down)[-1]
            met, _s, status = viewers.wait(
                lambda s: s["min_last"] >= last and s["live"] >= args.viewers,
                args.time_limit,
                "reconnecting",
            )
            if not met:
                ok = False
            result["reconnect_errors"] = status["errors"]
            result["server_stop_seconds"] = round(stopped, 2)
            result["server_restart_seconds"] = round(restart, 2)
    finally:
        dumps = viewers.stop() if viewers is not None else []
        server.stop()
    say("analysing …")
    received = gather(dumps)
    final = max(publisher.published)
    checks = check_viewers(received, head0, final)
    refs_wrong = sum(
        1 for seq, ref in received.refs.items() if publisher.published.get(seq, ("",))[0] != ref
    )
    client, last_client = latencies(received, publisher.published, fanout)
    trace = read_trace(workdir / "writes.trace", world.stream)
    server_latency = [trace[seq][0] - publisher.published[seq][1] for seq in fanout if seq in trace]
    writes = [trace[seq][1] for seq in fanout if seq in trace]
    commit = [publisher.published[seq][2] for seq in fanout]
    result.update(
        {
            "server_p50_ms": ms(percentile(server_latency, 50)),
            "server_p99_ms": ms(percentile(server_latency, 99)),
            "server_max_ms": ms(max(server_latency) if server_latency else None),
            "server_events_traced": len(server_latency),
            "server_writes_per_event_min": min(writes) if writes else None,
            "client_p50_ms": ms(percentile(client, 50)),
            "client_p95_ms": ms(percentile(client, 95)),
            "client_p99_ms": ms(percentile(client, 99)),
            "client_max_ms": ms(max(client) if client else None),
            "client_last_viewer_per_event": summary(last_client),
            "client_samples": len(client),
            "commit": summary(commit),
            **checks,
            "ref_conflicts": received.ref_conflicts,
            "refs_wrong": refs_wrong,
            "events": {"first": head0 + 1, "warm_up": warm, "last": final},
            "viewer_connections": sum(received.connections),
            "viewer_errors": dict(received.errors),
            "viewer_cpu_s": round(received.cpu_s, 2),
            "server_cpu_s_total": round(server.cpu_before_stop, 2),
            "load_after": machine_load(),
        }
    )
    if during_asks:
        asks_client, _ = latencies(received, publisher.published, during_asks)
        result["asks"]["answers_client"] = summary(asks_client)
    if args.reconnect:
        storm = check_viewers(received, down[0] - 1, final) if down else checks
        back = (
            [
                max((at for seq, at in zip(s, t, strict=True) if seq == down[-1]), default=math.inf)
                for s, t in zip(received.seqs, received.times, strict=True)
            ]
            if down
            else []
        )
        everyone = max(back) if back else math.inf
        result.update(
            {
                "reconnect_seconds": round(everyone - cut_at, 2),
                "reconnect_after_ready_seconds": round(everyone - ready_at, 2),
                "reconnect_messages": len(down) + len(up),
                "reconnect_missing": storm["missing"],
                "reconnect_duplicates": storm["duplicates"],
                "reconnect_out_of_order": storm["out_of_order"],
                "viewers_reconnected": sum(1 for n in received.connections if n >= 2),
            }
        )
    correct = (
        checks["missing"] == 0
        and checks["duplicates"] == 0
        and checks["out_of_order"] == 0
        and received.ref_conflicts == 0
        and refs_wrong == 0
    )
    ok = ok and correct
    targets: dict[str, bool] = {}
    for floor, (p50_limit, p99_limit) in TARGETS.items():
        if args.viewers >= floor:
            name = f"{floor}_viewers"
            p50, p99 = result["client_p50_ms"], result["client_p99_ms"]
            targets[f"{name}_p99_{p99_limit:g}ms"] = (
                correct and p99 is not None and p99 <= p99_limit
            )
            if p50_limit is not None:
                targets[f"{name}_p50_{p50_limit:g}ms"] = (
                    correct and p50 is not None and p50 <= p50_limit
                )
    if args.asks:
        targets["asks_200_per_s"] = result["asks"]["stored"]["exactly_once"] and (
            result["asks_per_second"] >= ASKS_TARGET_PER_S
        )
    if args.reconnect:
        targets["reconnect_30_s_nothing_lost"] = (
            result["reconnect_seconds"] <= RECONNECT_TARGET_SECONDS
            and result["reconnect_missing"] == 0
            and result["reconnect_duplicates"] == 0
        )
    result["targets_met"] = targets
    say(
        f"client p50 {result['client_p50_ms']} ms, p99 {result['client_p99_ms']} ms; server p50 "
        f"{result['server_p50_ms']} ms, p99 {result['server_p99_ms']} ms; missing "
        f"{checks['missing']}, duplicates {checks['duplicates']}, out of order "
        f"{checks['out_of_order']}; targets {targets}"
    )
    print(json.dumps(result, ensure_ascii=False, sort_keys=True), flush=True)
    return 0 if ok else 1


def publisher_in_thread(
    publisher: Publisher, count: int, interval: float, stop: threading.Event
) -> list[int]:
    from django.db import connection

    try:
        return publisher.publish_paced(count, interval, stop)
    finally:
        connection.close()


if __name__ == "__main__":
    sys.exit(main())
