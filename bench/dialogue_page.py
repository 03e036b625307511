"""Benchmark: the public dialogue page with 10,000 published contributions, and submissions.

What it does, in order (everything bounded in count and time; it stops by itself):

1. Makes a fresh SQLite database in a temporary folder (or uses ``--database-url``, which
   must name a fresh, empty PostgreSQL database), migrates it with ``torget migrate`` and
   builds one authority, its default rule set, a committee, a dialogue owner and one open
   dialogue through the real actions. The contributions are then written with
   ``bulk_create`` as already approved: that is only a fast way to build the data (no
   moderation decisions exist for them); what is measured is the page and the submissions.
2. Renders the first, a middle and the last page in this process through Django's test
   client to count the SQL queries per page (the target asks for a fixed count) and to time
   the view without HTTP (the nearest we get to server-side figures without changing the app).
3. Starts the real server (``torget serve``, uvicorn over ASGI) pinned to one core, pins this
   process (the load generator) to the other (with ``--workers`` above 1, several server
   processes and the generator share every core unpinned), waits until the server answers,
   then:
   * page: GETs the three pages in turn over keep-alive connections, first over one
     connection (latency), then over several at once (throughput). Every response must be
     200 and hold exactly the expected 50 contributions in the expected order; a wrong page
     is counted as a failure, never as a fast answer.
   * submissions: several connections POST through the real form (CSRF cookie and token from
     a fetched page, a fresh ``submission_token`` per form, the ``website`` trap left empty).
     Every ``--resubmit-every``-th POST sends the previous form again, as a double click would.
     The server runs with CONTRIBUTION_RATE_LIMIT=1000000, because every request comes from
     127.0.0.1 and the per-client limit (default 5 per 10 minutes) would otherwise refuse
     almost all of them. Afterwards the database must hold every acknowledged submission
     exactly once, under the reference its receipt redirect named.
4. Stops the server, prints the figures and ends with one JSON line holding all of them.

Run from the repository root: ``.venv/bin/python bench/dialogue_page.py`` (``--help``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import re
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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchkit import latency_summary, machine_facts, machine_load, ms, percentile, wait_for_quiet

REPO = Path(__file__).resolve().parent.parent
SLUG = "bench-dialog"
PER_PAGE = 50  # torget.dialogues.views.CONTRIBUTIONS_PER_PAGE; checked against it at start
BENCH_NAME_PREFIX = "Bench "
RATE_LIMIT_FOR_BENCH = 1_000_000
PAGE_P95_TARGET_MS = 50.0
SUBMISSIONS_TARGET_PER_S = 200.0

ITEM_RE = re.compile(r'<li class="contribution" id="c-([^"]+)"')
CSRF_FIELD_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RECEIPT_RE = re.compile(r"^(?:https?://[^/]+)?/receipt/([^/]+)/$")

SENTENCES = (
    "Linjeføring B er den tryggeste for børnene på vej til skole.",
    "Der mangler belysning ved tunnelen under jernbanen.",
    "Jeg cykler her hver dag, og krydset ved Åvej er farligt i myldretiden.",
    "Husk plads til ladcykler og barnevogne, når stien bliver bredere.",
    "Træerne langs åen bør bevares; de giver skygge og læ.",
    "En separat gangsti ville gøre det rarere for ældre at gå tur.",
    "Budgettet burde prioritere vedligeholdelse af de stier, vi allerede har.",
    "Det vil være godt med cykelparkering ved stationen i begge ender.",
)


# Small helpers --------------------------------------------------------------------------


def contribution_text(tag: str, n: int) -> str:
    """Deterministic, realistic-length Danish text (about 150-500 characters)."""
    parts = [SENTENCES[(n + i * 3) % len(SENTENCES)] for i in range(2 + n % 6)]
    return f"{' '.join(parts)} ({tag})"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def group_cpu_seconds(group: int) -> float:
    """CPU time of every live process in process group ``group``: the server started in a
    session of its own, so that is the supervisor and all its worker processes."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # it ended meanwhile
            continue
        if int(fields[2]) == group:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


@dataclass
class Usage:
    """CPU used by the server and by the generator during one phase."""

    server_pid: int
    server_cpu: float = 0.0
    generator_cpu: float = 0.0
    wall: float = 0.0

    def __post_init__(self) -> None:
        self.server_cpu = group_cpu_seconds(self.server_pid)
        self.generator_cpu = time.process_time()
        self.wall = time.perf_counter()

    def report(self, requests: int) -> dict[str, Any]:
        server = group_cpu_seconds(self.server_pid) - self.server_cpu
        generator = time.process_time() - self.generator_cpu
        wall = time.perf_counter() - self.wall
        return {
            "server_cpu_s": round(server, 2),
            "server_cpu_ms_per_request": round(server / requests * 1000, 2) if requests else None,
            "server_core_busy": round(server / wall, 2) if wall else None,
            "generator_cpu_s": round(generator, 2),
            "generator_cpu_ms_per_request": round(generator / requests * 1000, 2)
            if requests
            else None,
            "load_after": machine_load(),
        }


def say(text: str = "") -> None:
    print(text, flush=True)


# Building the data ----------------------------------------------------------------------


@dataclass
class World:
    slug: str
    dialogue_pk: int
    # References of the published contributions in the order the page lists them.
    published: list[str]
    hidden: int
    build_seconds: float


def build_world(published_count: int, hidden_every: int) -> World:
    from django.db import connection
    from django.utils import timezone

    from torget.accounts.actions import grant_roles
    from torget.accounts.models import Committee, Organisation, Role, User
    from torget.dialogues import actions as dialogue_actions
    from torget.dialogues.actions import MissionCard
    from torget.dialogues.models import (
        DialogueState,
        ModerationMode,
        ParticipationLevel,
        Post,
        PostChannel,
        PostStatus,
    )
    from torget.moderation.rule_actions import publish_default_rule_set

    started = time.perf_counter()
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
    owner = User.objects.create_user(
        username="owner", password=uuid.uuid4().hex, organisation=organisation
    )
    grant_roles(user=owner, roles=[Role.DIALOGUE_OWNER])
    opens_at = now - timedelta(days=2)
    card = MissionCard(
        slug=SLUG,
        title="Ny cykelsti langs Åvej",
        assignment="Hvilken linjeføring skal cykelstien have, og hvad skal den kunne?",
        commissioned_by=committee,
        participation_level=ParticipationLevel.CONSULT,
        open_to_influence="Linjeføringen, belysningen og beplantningen.",
        not_open_to_influence="Budgettet og tidsplanen.",
        input_handling="Alle indlæg samles i et notat til udvalget før beslutningen.",
        opens_at=opens_at,
        closes_at=now + timedelta(days=30),
        feedback_due=(now + timedelta(days=60)).date(),
        case_number="24.05.00-P20-3-26",
        # Pre-moderation: the benchmark's own submissions wait for a moderator, so the
        # pages measured keep exactly the contributions built here.
        moderation_mode=ModerationMode.PRE,
    )
    dialogue = dialogue_actions.create_dialogue(
        organisation=organisation, owner=owner, card=card, now=opens_at - timedelta(hours=1)
    )
    dialogue_actions.schedule_dialogue(dialogue=dialogue, actor=owner, now=now)
    dialogue.refresh_from_db()
    assert dialogue.state == DialogueState.OPEN, dialogue.state

    # Bulk data, NOT through submit_contribution + approve_contribution: ten thousand
    # transactions would take minutes and measure nothing we report. The rows are what the
    # real actions leave (status approved, unique reference and token, increasing time);
    # only the moderators' Decision rows are missing, and the public page does not read them.
    hidden = published_count // hidden_every if hidden_every > 0 else 0
    total = published_count + hidden
    first_at = opens_at + timedelta(minutes=1)
    step = (now - timedelta(minutes=1) - first_at) / max(total, 1)
    published: list[str] = []
    rows: list[Post] = []
    for n in range(total):
        # Every ``hidden_every``-th row is rejected or pending, so the page's filter has
        # something to skip, as it will in a real dialogue.
        is_hidden = hidden_every > 0 and n % (hidden_every + 1) == hidden_every
        reference = f"B-{n:08d}"
        if is_hidden:
            status = PostStatus.REJECTED if n % 2 else PostStatus.PENDING
        else:
            status = PostStatus.APPROVED
            published.append(reference)
        rows.append(
            Post(
                organisation_id=dialogue.organisation_id,
                channel=PostChannel.WEB,
                dialogue=dialogue,
                reference=reference,
                submission_token=uuid.uuid4(),
                display_name=f"Borger {n}",
                text=contribution_text(reference, n),
                client_hash=f"{n % 997:032x}",
                language="da",
                status=status,
                created_at=first_at + step * n,
            )
        )
    Post.objects.bulk_create(rows, batch_size=1000)
    if connection.vendor == "postgresql":
        # Autovacuum would gather the statistics within a minute of a bulk insert like this;
        # without them the planner assumes a near-empty table.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    assert len(published) == published_count, (len(published), published_count)
    return World(
        slug=SLUG,
        dialogue_pk=dialogue.pk,
        published=published,
        hidden=total - published_count,
        build_seconds=time.perf_counter() - started,
    )


def page_plan(world: World) -> list[tuple[int, list[str]]]:
    """(page number, expected references) for the first, a middle and the last page."""
    pages = max(1, math.ceil(len(world.published) / PER_PAGE))
    numbers = sorted({1, (pages + 1) // 2, pages})
    return [
        (number, world.published[(number - 1) * PER_PAGE : number * PER_PAGE]) for number in numbers
    ]


# In-process look at the view: query count and render time without HTTP ----------------


def profile_in_process(world: World, renders: int) -> dict[str, Any]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from torget.dialogues.models import Dialogue
    from torget.dialogues.queries import published_contributions

    client = Client(HTTP_HOST="127.0.0.1")
    result: dict[str, Any] = {"pages": {}}
    for number, expected in page_plan(world):
        url = f"/d/{world.slug}/?page={number}"
        # Two captures, the smaller counts: the clock middleware adds one query at most every
        # 5 s per process, and two requests in a row cannot both carry it.
        captures: list[list[str]] = []
        for _ in range(2):
            reset_queries()  # the builder's queries are still in the debug log
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            # Read at once: the next request's request_started signal empties the log.
            captures.append([query["sql"] for query in captured.captured_queries])
            body = response.content.decode()
            if response.status_code != 200 or ITEM_RE.findall(body) != expected:
                raise SystemExit(f"in-process render of {url} is wrong ({response.status_code})")
        queries = min(captures, key=len)
        timings = []
        for _ in range(renders):
            t0 = time.perf_counter()
            client.get(url)
            timings.append(time.perf_counter() - t0)
        result["pages"][str(number)] = {
            "queries": len(queries),
            "bytes": len(response.content),
            "view": latency_summary(timings),
            "sql": queries,
        }
    dialogue = Dialogue.objects.get(pk=world.dialogue_pk)
    last_offset = (page_plan(world)[-1][0] - 1) * PER_PAGE
    page_query = published_contributions(dialogue)[last_offset : last_offset + PER_PAGE]
    result["last_page_plan"] = page_query.explain()
    counts = {page["queries"] for page in result["pages"].values()}
    result["fixed_query_count"] = len(counts) == 1
    connection.close()
    return result


# The server -----------------------------------------------------------------------------


def torget_command() -> list[str]:
    script = Path(sys.executable).with_name("torget")
    return [str(script)] if script.exists() else [sys.executable, "-m", "torget"]


@contextmanager
def running_server(
    port: int, env: dict[str, str], log_path: Path, server_cpu: int | None, workers: int = 1
) -> Iterator[subprocess.Popen[bytes]]:
    own_cpus = os.sched_getaffinity(0)
    if server_cpu is not None:
        # The child inherits the affinity at fork, before it starts any thread.
        os.sched_setaffinity(0, {server_cpu})
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*torget_command(), "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=REPO,
            start_new_session=True,
        )
    os.sched_setaffinity(0, own_cpus)
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=15)


def wait_until_answering(process: subprocess.Popen[bytes], port: int, log_path: Path) -> float:
    started = time.perf_counter()
    deadline = started + 60
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited early:\n{log_path.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/")
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"the server did not answer within 60 s:\n{log_path.read_text()[-3000:]}")


# Load: the page ---------------------------------------------------------------------------


@dataclass
class PageRun:
    latencies: list[float] = field(default_factory=list)
    per_page: dict[int, list[float]] = field(default_factory=dict)
    wrong: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    wall_seconds: float = 0.0
    timed_out: bool = False


def run_pages(
    port: int,
    plan: list[tuple[int, list[str]]],
    slug: str,
    requests: int,
    connections: int,
    time_limit: float,
) -> PageRun:
    run = PageRun(per_page={number: [] for number, _ in plan})
    lock = threading.Lock()
    issued = 0
    start = threading.Barrier(connections + 1)
    deadline = math.inf  # set once every connection is ready

    def take() -> int | None:
        nonlocal issued
        with lock:
            if issued >= requests or time.perf_counter() > deadline:
                run.timed_out = run.timed_out or issued < requests
                return None
            issued += 1
            return issued - 1

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start.wait()
        while (index := take()) is not None:
            number, expected = plan[index % len(plan)]
            t0 = time.perf_counter()
            try:
                conn.request("GET", f"/d/{slug}/?page={number}")
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    run.errors[type(exc).__name__] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            elapsed = time.perf_counter() - t0
            if response.status != 200:
                problem = f"status {response.status}"
            elif ITEM_RE.findall(body.decode()) != expected:
                problem = f"page {number}: wrong contributions"
            else:
                problem = ""
            with lock:
                if problem:
                    run.wrong[problem] += 1
                else:
                    run.latencies.append(elapsed)
                    run.per_page[number].append(elapsed)
        conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    deadline = began + time_limit
    for thread in threads:
        thread.join(time_limit + 60)
    run.wall_seconds = time.perf_counter() - began
    return run


def page_report(run: PageRun, connections: int) -> dict[str, Any]:
    ok = len(run.latencies)
    return {
        "connections": connections,
        "ok": ok,
        "wrong": dict(run.wrong),
        "errors": dict(run.errors),
        "timed_out": run.timed_out,
        "requests_per_s": round(ok / run.wall_seconds, 1) if run.wall_seconds else None,
        **latency_summary(run.latencies),
        "per_page": {
            str(number): latency_summary(values) for number, values in run.per_page.items()
        },
    }


# Load: submissions -----------------------------------------------------------------------


@dataclass
class SubmissionRun:
    # submission token -> reference named by the receipt redirect
    accepted: dict[str, str] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    resubmits: int = 0
    resubmit_mismatch: int = 0
    resubmit_latencies: list[float] = field(default_factory=list)
    refused: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    unanswered_tokens: list[str] = field(default_factory=list)
    sent: int = 0
    wall_seconds: float = 0.0
    timed_out: bool = False


def fetch_form(conn: http.client.HTTPConnection, slug: str) -> tuple[str, str]:
    """GET the dialogue page like a browser: the CSRF cookie and the form's CSRF token."""
    conn.request("GET", f"/d/{slug}/")
    response = conn.getresponse()
    body = response.read().decode()
    if response.status != 200:
        raise RuntimeError(f"GET /d/{slug}/ answered {response.status}")
    cookie = SimpleCookie()
    for header in response.msg.get_all("Set-Cookie") or []:
        cookie.load(header)
    match = CSRF_FIELD_RE.search(body)
    if "csrftoken" not in cookie or match is None:
        raise RuntimeError("no CSRF cookie or token on the dialogue page")
    return cookie["csrftoken"].value, match.group(1)


def run_submissions(
    port: int,
    slug: str,
    count: int,
    connections: int,
    time_limit: float,
    resubmit_every: int,
    email_every: int,
) -> SubmissionRun:
    run = SubmissionRun()
    lock = threading.Lock()
    issued = 0
    start = threading.Barrier(connections + 1)
    deadline = math.inf  # set once every connection is ready
    origin = f"http://127.0.0.1:{port}"

    def take() -> int | None:
        nonlocal issued
        with lock:
            if issued >= count or time.perf_counter() > deadline:
                run.timed_out = run.timed_out or issued < count
                return None
            issued += 1
            return issued - 1

    def post(
        conn: http.client.HTTPConnection, cookie: str, form: dict[str, str]
    ) -> tuple[int, str]:
        conn.request(
            "POST",
            f"/d/{slug}/contribute/",
            body=urlencode(form),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookie}",
                "Origin": origin,
                "Referer": f"{origin}/d/{slug}/",
            },
        )
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")

    def worker(worker_no: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            cookie, csrf = fetch_form(conn, slug)
        except (OSError, http.client.HTTPException, RuntimeError) as exc:
            with lock:
                run.errors[f"form: {exc}"] += 1
            start.wait()
            return
        start.wait()
        last: tuple[str, str] | None = None  # (token, reference) of this worker's last form
        n = 0
        while (index := take()) is not None:
            n += 1
            if resubmit_every > 0 and last is not None and n % resubmit_every == 0:
                # The same form sent again (a double click): the receipt of the first send.
                token, reference = last
                form_tag = f"w{worker_no}-resubmit-{n}"
            else:
                token, reference = str(uuid.uuid4()), ""
                form_tag = f"w{worker_no}-{n}"
            form = {
                "csrfmiddlewaretoken": csrf,
                "display_name": f"{BENCH_NAME_PREFIX}{worker_no}",
                "text": contribution_text(form_tag, index),
                "email": f"borger{index}@example.org"
                if email_every > 0 and index % email_every == 0
                else "",
                "website": "",  # the spam trap: people leave it empty
                "submission_token": token,
            }
            t0 = time.perf_counter()
            try:
                status, location = post(conn, cookie, form)
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    run.errors[type(exc).__name__] += 1
                    run.sent += 1
                    if not reference:
                        run.unanswered_tokens.append(token)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            elapsed = time.perf_counter() - t0
            receipt = RECEIPT_RE.match(location) if status == 302 else None
            with lock:
                run.sent += 1
                if reference:  # a resubmit
                    run.resubmits += 1
                    run.resubmit_latencies.append(elapsed)
                    if receipt is None or receipt.group(1) != reference:
                        run.resubmit_mismatch += 1
                elif receipt is not None:
                    run.accepted[token] = receipt.group(1)
                    run.latencies.append(elapsed)
                    last = (token, receipt.group(1))
                else:
                    run.refused[f"status {status} {location}".strip()] += 1
                    run.unanswered_tokens.append(token)
        conn.close()

    threads = [
        threading.Thread(target=worker, args=(number,), daemon=True)
        for number in range(connections)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    deadline = began + time_limit
    for thread in threads:
        thread.join(time_limit + 60)
    run.wall_seconds = time.perf_counter() - began
    return run


def check_receipts(port: int, references: list[str]) -> int:
    """GET a sample of receipt pages; returns how many were wrong."""
    wrong = 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for reference in references:
        conn.request("GET", f"/receipt/{reference}/")
        response = conn.getresponse()
        body = response.read().decode()
        if response.status != 200 or reference not in body:
            wrong += 1
    conn.close()
    return wrong


def check_stored(run: SubmissionRun, dialogue_pk: int) -> dict[str, Any]:
    """Every acknowledged submission stored exactly once, under the reference it was given."""
    from django.db import connection
    from django.db.models import Count

    from torget.dialogues.models import Post

    tokens = list(run.accepted)
    stored: dict[str, list[str]] = {}
    for i in range(0, len(tokens), 500):
        chunk = [uuid.UUID(token) for token in tokens[i : i + 500]]
        for token, reference in Post.objects.filter(submission_token__in=chunk).values_list(
            "submission_token", "reference"
        ):
            stored.setdefault(str(token), []).append(reference)
    lost = [token for token in tokens if token not in stored]
    wrong_reference = [
        token for token in tokens if token in stored and stored[token] != [run.accepted[token]]
    ]
    bench_rows = Post.objects.filter(
        dialogue_id=dialogue_pk, display_name__startswith=BENCH_NAME_PREFIX
    )
    duplicate_texts = bench_rows.values("text").annotate(n=Count("pk")).filter(n__gt=1).count()
    unanswered_stored = 0
    for i in range(0, len(run.unanswered_tokens), 500):
        chunk = [uuid.UUID(token) for token in run.unanswered_tokens[i : i + 500]]
        unanswered_stored += Post.objects.filter(submission_token__in=chunk).count()
    rows = bench_rows.count()
    connection.close()
    return {
        "acknowledged": len(tokens),
        "rows_stored": rows,
        "lost": len(lost),
        "wrong_reference": len(wrong_reference),
        "duplicate_texts": duplicate_texts,
        "stored_without_acknowledgement": unanswered_stored,
        "exactly_once": not lost
        and not wrong_reference
        and duplicate_texts == 0
        and rows == len(tokens) + unanswered_stored,
    }


# Main ---------------------------------------------------------------------------------------


def usage_line(usage: dict[str, Any]) -> str:
    load = usage["load_after"]
    return (
        f"server CPU {usage['server_cpu_ms_per_request']} ms/request "
        f"(its cores {usage['server_core_busy']:.0%} busy), generator CPU "
        f"{usage['generator_cpu_ms_per_request']} ms/request; machine load "
        f"{' '.join(load['loadavg'])}, CPU pressure {load.get('cpu_pressure_some_avg10')}%"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark the public dialogue page (paginated) and contribution submission."
    )
    parser.add_argument("--contributions", type=int, default=10_000, help="published ones")
    parser.add_argument(
        "--hidden-every",
        type=int,
        default=20,
        help="add one rejected/pending contribution after every N published (0: none)",
    )
    parser.add_argument("--page-requests", type=int, default=1500, help="per page phase")
    parser.add_argument("--page-connections", type=int, default=4, help="concurrent phase")
    parser.add_argument("--submissions", type=int, default=3000)
    parser.add_argument("--submit-connections", type=int, default=8)
    parser.add_argument(
        "--resubmit-every",
        type=int,
        default=50,
        help="every N-th POST of a connection re-sends its previous form (0: never)",
    )
    parser.add_argument(
        "--email-every",
        type=int,
        default=10,
        help="every N-th submission gives an e-mail address (0: never)",
    )
    parser.add_argument("--warmup", type=int, default=60, help="uncounted page requests")
    parser.add_argument("--renders", type=int, default=30, help="in-process renders per page")
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds per phase")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server worker processes (torget serve --workers); above 1 nothing is pinned",
    )
    parser.add_argument(
        "--database-url",
        default="",
        help="a fresh, empty PostgreSQL database instead of the temporary SQLite file",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        help="before measuring, wait up to this many seconds for CPU pressure below 10%%",
    )
    parser.add_argument(
        "--production",
        action="store_true",
        help="run the server with DEBUG=false (production settings) instead of DEBUG=true",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="torget-bench-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    port = args.port or free_port()
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": database_url,
        "TORGET_DATA_DIR": str(workdir),
        "PORT": str(port),
        "CONTRIBUTION_RATE_LIMIT": str(RATE_LIMIT_FOR_BENCH),
        "DJANGO_SETTINGS_MODULE": "torget.settings",
        "PYTHONUNBUFFERED": "1",
    }
    if args.production:
        # Production settings over plain loopback HTTP: no debug machinery, no access log
        # (uvicorn logs at "warning" when DEBUG is off), mail to files instead of SMTP.
        # The Secure flag on the CSRF cookie is ignored by this client, not by browsers.
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
    try:
        return run_benchmark(args, workdir, env, port)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def run_benchmark(args: argparse.Namespace, workdir: Path, env: dict[str, str], port: int) -> int:
    import django

    django.setup()
    from torget.site import dialogue_views as views

    if views.CONTRIBUTIONS_PER_PAGE != PER_PAGE:
        raise SystemExit(f"the page size is now {views.CONTRIBUTIONS_PER_PAGE}; update PER_PAGE")

    say(
        f"torget bench: dialogue page and submissions, DEBUG={env['DEBUG']} "
        f"(work folder {workdir}{', kept afterwards' if args.keep else ''})"
    )
    say(
        f"NOTE: the server runs with CONTRIBUTION_RATE_LIMIT={RATE_LIMIT_FOR_BENCH}: every "
        "request comes from 127.0.0.1, and the per-client rate limit would refuse the rest."
    )
    t0 = time.perf_counter()
    subprocess.run(
        [*torget_command(), "migrate", "--no-input", "-v", "0"], env=env, cwd=REPO, check=True
    )
    migrate_seconds = time.perf_counter() - t0
    facts = machine_facts()
    say(
        f"machine: {facts['cpu']}, {facts['cores']} cores, Python {facts['python']}, "
        f"Django {facts['django']}, {facts['database']['vendor']} {facts['database']['version']}"
    )
    load = machine_load()
    say(f"machine load before: {load}")
    if load.get("cpu_pressure_some_avg10", float(load["loadavg"][0]) * 100) > 10:
        say("WARNING: the machine is busy with other work; figures will be worse than alone")

    world = build_world(args.contributions, args.hidden_every)
    plan = page_plan(world)
    say(
        f"built {len(world.published)} published + {world.hidden} hidden contributions in "
        f"{world.build_seconds:.1f} s (migrate {migrate_seconds:.1f} s); pages measured: "
        + ", ".join(str(number) for number, _ in plan)
    )

    in_process = profile_in_process(world, args.renders)
    say("in-process view (Django test client, no HTTP), per page:")
    for number, page in in_process["pages"].items():
        view = page["view"]
        say(
            f"  page {number:>4}: {page['queries']} queries, {page['bytes']} bytes, "
            f"p50 {view['p50_ms']} ms, p95 {view['p95_ms']} ms"
        )
    say(f"  same query count on every page: {in_process['fixed_query_count']}; last page's:")
    for sql in in_process["pages"][str(plan[-1][0])]["sql"]:
        say(f"    {sql[:150]}{' …' if len(sql) > 150 else ''}")
    plan_text = " | ".join(str(in_process["last_page_plan"]).splitlines())
    say(f"  plan of the last page's query: {plan_text}")

    if args.wait_quiet > 0:
        waited = wait_for_quiet(args.wait_quiet)
        say(f"waited {waited:.0f} s for a quiet machine: {machine_load()}")

    cpus = sorted(os.sched_getaffinity(0))
    server_cpu, generator_cpu = (cpus[0], cpus[1]) if len(cpus) >= 2 else (None, None)
    if args.workers > 1:
        # Several workers share all cores with the generator; the CPU figures still say
        # what each request cost the server (all its processes together).
        server_cpu = generator_cpu = None
        say(f"not pinned: {args.workers} server workers and the generator share every core")
    elif generator_cpu is not None:
        os.sched_setaffinity(0, {generator_cpu})
        say(f"pinned: server on CPU {server_cpu}, load generator (this process) on {generator_cpu}")
    else:
        say("WARNING: fewer than two CPUs available; server and generator share one")

    log_path = workdir / "server.log"
    result: dict[str, Any] = {
        "benchmark": "dialogue_page",
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": facts,
        "pinning": {"server_cpu": server_cpu, "generator_cpu": generator_cpu},
        "workers": args.workers,
        "data": {
            "published": len(world.published),
            "hidden": world.hidden,
            "build_seconds": round(world.build_seconds, 2),
        },
        "in_process": {
            "fixed_query_count": in_process["fixed_query_count"],
            "pages": {
                number: {key: page[key] for key in ("queries", "bytes", "view")}
                for number, page in in_process["pages"].items()
            },
            "last_page_plan": in_process["last_page_plan"],
        },
        "debug": env["DEBUG"] == "true",
        "rate_limit_for_bench": RATE_LIMIT_FOR_BENCH,
        "load_before": load,
    }

    with running_server(port, env, log_path, server_cpu, args.workers) as server:
        startup = wait_until_answering(server, port, log_path)
        say(f"server answering on 127.0.0.1:{port} after {startup:.1f} s")

        run_pages(port, plan, world.slug, args.warmup, 1, args.time_limit)
        page_runs = {}
        for label, connections in (("sequential", 1), ("concurrent", args.page_connections)):
            usage = Usage(server.pid)
            run = run_pages(
                port, plan, world.slug, args.page_requests, connections, args.time_limit
            )
            page_runs[label] = r = page_report(run, connections)
            r["usage"] = usage.report(r["ok"] + sum(run.wrong.values()))
            say(
                f"page, {label} ({connections} connection{'s' if connections > 1 else ''}): "
                f"{r['ok']} ok, {sum(run.wrong.values())} wrong, {sum(run.errors.values())} "
                f"errors, {r['requests_per_s']} req/s, p50 {r['p50_ms']} ms, "
                f"p95 {r['p95_ms']} ms, p99 {r['p99_ms']} ms, max {r['max_ms']} ms"
                + (" [TIME LIMIT]" if run.timed_out else "")
            )
            for number, summary in r["per_page"].items():
                say(f"    page {number:>4}: p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms")
            say(f"    {usage_line(r['usage'])}")

        usage = Usage(server.pid)
        subs = run_submissions(
            port,
            world.slug,
            args.submissions,
            args.submit_connections,
            args.time_limit,
            args.resubmit_every,
            args.email_every,
        )
        accepted = len(subs.accepted)
        subs_usage = usage.report(subs.sent)
        rate = accepted / subs.wall_seconds if subs.wall_seconds else 0.0
        say(
            f"submissions ({args.submit_connections} connections): {accepted} accepted in "
            f"{subs.wall_seconds:.1f} s = {rate:.1f}/s, p50 "
            f"{ms(percentile(subs.latencies, 50))} ms, "
            f"p99 {ms(percentile(subs.latencies, 99))} ms; "
            f"{subs.resubmits} re-sent forms ({subs.resubmit_mismatch} not given the first "
            f"receipt); refused {dict(subs.refused)}; errors {dict(subs.errors)}"
            + (" [TIME LIMIT]" if subs.timed_out else "")
        )
        say(f"    {usage_line(subs_usage)}")
        sample = list(subs.accepted.values())[:: max(1, accepted // 20)][:20]
        receipts_wrong = check_receipts(port, sample)
        say(f"receipt pages checked: {len(sample)}, wrong: {receipts_wrong}")
    stored = check_stored(subs, world.dialogue_pk)
    say(
        f"database: {stored['acknowledged']} acknowledged, {stored['rows_stored']} stored, "
        f"{stored['lost']} lost, {stored['wrong_reference']} under another reference, "
        f"{stored['duplicate_texts']} duplicated, {stored['stored_without_acknowledgement']} "
        f"stored without acknowledgement -> exactly once: {stored['exactly_once']}"
    )

    sequential = page_runs["sequential"]
    # Correctness decides the exit code; a phase cut short by --time-limit is reported
    # ("timed_out") and its figures cover the requests it made.
    page_ok = all(not r["wrong"] and not r["errors"] for r in page_runs.values())
    subs_ok = (
        stored["exactly_once"]
        and not subs.refused
        and not subs.errors
        and subs.resubmit_mismatch == 0
        and receipts_wrong == 0
    )
    targets = {
        "page_p95_under_50ms": page_ok
        and sequential["p95_ms"] is not None
        and sequential["p95_ms"] < PAGE_P95_TARGET_MS,
        "fixed_query_count": in_process["fixed_query_count"],
        "submissions_200_per_s": subs_ok and rate >= SUBMISSIONS_TARGET_PER_S,
    }
    result.update(
        {
            "server_startup_s": round(startup, 2),
            "page": page_runs,
            "submissions": {
                "connections": args.submit_connections,
                "accepted": accepted,
                "accepted_per_s": round(rate, 1),
                "wall_seconds": round(subs.wall_seconds, 2),
                "p50_ms": ms(percentile(subs.latencies, 50)),
                "p95_ms": ms(percentile(subs.latencies, 95)),
                "p99_ms": ms(percentile(subs.latencies, 99)),
                "max_ms": ms(max(subs.latencies) if subs.latencies else None),
                "resubmits": subs.resubmits,
                "resubmit_p50_ms": ms(percentile(subs.resubmit_latencies, 50)),
                "resubmit_mismatch": subs.resubmit_mismatch,
                "refused": dict(subs.refused),
                "errors": dict(subs.errors),
                "timed_out": subs.timed_out,
                "receipts_checked": len(sample),
                "receipts_wrong": receipts_wrong,
                "stored": stored,
                "usage": subs_usage,
            },
            "targets_met": targets,
        }
    )
    say(
        "targets: "
        + ", ".join(f"{name} {'MET' if met else 'NOT MET'}" for name, met in targets.items())
    )
    print(json.dumps(result, ensure_ascii=False, sort_keys=True), flush=True)
    return 0 if page_ok and subs_ok else 1


if __name__ == "__main__":
    sys.exit(main())
