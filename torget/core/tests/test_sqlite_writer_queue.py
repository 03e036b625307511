"""Write transactions on SQLite queue on a lock (threads) and a lock file (processes) rather
than in SQLite's busy handler: with SQLite's own waiting turned off here (busy_timeout 0), no
writer is refused however many write at once, and the queue is let go however a transaction
ends."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connections, transaction

from torget.core.sqlite.base import DatabaseWrapper
from torget.core.tests.sqlite_wrappers import standalone_settings

Make = Callable[..., DatabaseWrapper]


@pytest.fixture
def database(tmp_path: Path, django_db_blocker: Any) -> Iterator[Make]:
    """Wrappers (one per thread) for a database file of their own, with SQLite's busy
    timeout at 0: a writer that met SQLite's lock would fail at once."""
    path = tmp_path / "queue.sqlite3"

    def make(*, queue: bool = True, timeout: float = 5.0) -> DatabaseWrapper:
        config = standalone_settings(path)
        config["OPTIONS"]["init_command"] = config["OPTIONS"]["init_command"].replace(
            "busy_timeout=5000", "busy_timeout=0"
        )
        config["OPTIONS"]["timeout"] = timeout
        config.update(WRITER_QUEUE=queue, POOL_SIZE=0)
        return DatabaseWrapper(config, alias=f"queue-{threading.get_ident()}")

    with django_db_blocker.unblock():
        setup = make()
        with setup.cursor() as cursor:
            cursor.execute("CREATE TABLE t (writer TEXT, n INTEGER)")
        setup.close()
        yield make


@contextmanager
def registered(db: DatabaseWrapper) -> Iterator[DatabaseWrapper]:
    """Make ``db`` known to ``transaction.atomic(using=db.alias)``; close it afterwards."""
    connections[db.alias] = db
    try:
        yield db
    finally:
        db.close()
        del connections[db.alias]


def write_many(db: DatabaseWrapper, writer: str, count: int, errors: list[str]) -> None:
    for n in range(count):
        try:
            with transaction.atomic(using=db.alias), db.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM t")
                cursor.execute("INSERT INTO t VALUES (%s, %s)", [writer, n])
        except OperationalError as exc:
            errors.append(str(exc))


def run_writers(make: Make, threads: int, count: int, queue: bool) -> list[str]:
    errors: list[str] = []

    def one(number: int) -> None:
        with registered(make(queue=queue)) as db:
            write_many(db, f"t{number}", count, errors)

    workers = [threading.Thread(target=one, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    return errors


def count_rows(make: Make) -> int:
    db = make()
    try:
        with db.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM t")
            (rows,) = cursor.fetchone()
        return int(rows)
    finally:
        db.close()


def test_without_the_queue_concurrent_writers_are_refused(database: Make) -> None:
    # The control: what SQLite does with nobody queueing (and no busy wait).
    errors = run_writers(database, threads=4, count=100, queue=False)
    assert errors and all("locked" in error for error in errors)


def test_threads_queue_and_every_write_is_stored(database: Make) -> None:
    errors = run_writers(database, threads=4, count=100, queue=True)
    assert errors == []
    assert count_rows(database) == 400


def test_processes_queue_on_the_lock_file(database: Make) -> None:
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports by its exit code
        code = 1
        try:
            code = 0 if run_writers(database, threads=2, count=100, queue=True) == [] else 3
        finally:
            os._exit(code)
    errors = run_writers(database, threads=2, count=100, queue=True)
    _, status = os.waitpid(child, 0)
    assert errors == []
    assert os.waitstatus_to_exitcode(status) == 0
    assert count_rows(database) == 400


def lock_file_is_free(db: DatabaseWrapper) -> bool:
    """Whether another open file of the lock can take it now (as another process would)."""
    fd = os.open(f"{db.settings_dict['NAME']}-writer", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


@pytest.mark.parametrize("ending", ["commit", "error", "close"])
def test_the_queue_is_let_go_however_the_transaction_ends(database: Make, ending: str) -> None:
    with registered(database()) as db:
        atomic = transaction.atomic(using=db.alias)
        atomic.__enter__()
        with db.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES ('held', 1)")
        assert not lock_file_is_free(db)
        if ending == "commit":
            atomic.__exit__(None, None, None)
        elif ending == "error":
            error = RuntimeError("the view failed")
            atomic.__exit__(RuntimeError, error, None)
        else:  # the connection closed with the transaction open (a worker shutting down)
            db.close()
            assert lock_file_is_free(db)
            atomic.__exit__(None, None, None)  # Django forgets the closed connection
        assert lock_file_is_free(db)
        # And the next transaction of this process is not kept waiting.
        with transaction.atomic(using=db.alias), db.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES ('next', 2)")


def test_a_thread_waiting_longer_than_the_busy_timeout_is_told_the_database_is_locked(
    database: Make,
) -> None:
    failures: list[str] = []

    def second() -> None:
        with registered(database(timeout=0.2)) as db:
            try:
                with transaction.atomic(using=db.alias), db.cursor() as cursor:
                    cursor.execute("INSERT INTO t VALUES ('second', 1)")
            except OperationalError as exc:
                failures.append(str(exc))

    holder = database()
    with registered(holder), transaction.atomic(using=holder.alias), holder.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES ('holder', 1)")
        waiter = threading.Thread(target=second)
        waiter.start()
        waiter.join(10)
    assert failures == ["database is locked"]
    assert count_rows(database) == 1
