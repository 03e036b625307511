"""The SQLite backend keeps closed connections open for the next request, and never hands on
one with a transaction open, or to a forked child."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from torget.core.sqlite.base import DatabaseWrapper
from torget.core.tests.sqlite_wrappers import standalone_settings


@pytest.fixture
def settings_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, django_db_blocker: Any
) -> Iterator[Any]:
    """Wrappers for a database file of their own, outside the test database."""
    made: list[DatabaseWrapper] = []

    def make(pool_size: int = 2) -> DatabaseWrapper:
        monkeypatch.setenv("DATABASE_POOL_SIZE", str(pool_size))
        config = standalone_settings(tmp_path / "pool.sqlite3")
        wrapper = DatabaseWrapper(config, alias=f"pool-{len(made)}")
        made.append(wrapper)
        return wrapper

    with django_db_blocker.unblock():
        yield make
    for wrapper in made:
        wrapper.close_pool()
        wrapper.close()


def test_a_closed_connection_is_taken_again_by_the_next_one(settings_for: Any) -> None:
    first = settings_for()
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER)")
    raw = first.connection
    first.close()
    assert first.connection is None

    second = settings_for()
    with second.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        assert cursor.fetchone() == (0,)
    assert second.connection is raw
    # The settings made on connecting hold on the reused connection too.
    with second.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone() == ("wal",)
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone() == (1,)


def test_an_open_transaction_is_rolled_back_before_the_connection_is_kept(
    settings_for: Any,
) -> None:
    first = settings_for()
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER)")
    first.connection.execute("BEGIN")
    first.connection.execute("INSERT INTO t VALUES (1)")
    first.close()

    second = settings_for()
    with second.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        assert cursor.fetchone() == (0,)
    assert not second.connection.in_transaction


def test_no_more_than_the_pool_size_are_kept(settings_for: Any) -> None:
    wrappers = [settings_for(pool_size=1) for _ in range(2)]
    raws = []
    for wrapper in wrappers:
        wrapper.ensure_connection()
        raws.append(wrapper.connection)
    for wrapper in wrappers:
        wrapper.close()
    again = [settings_for(pool_size=1) for _ in range(2)]
    for wrapper in again:
        wrapper.ensure_connection()
    reused = [wrapper.connection for wrapper in again if wrapper.connection in raws]
    assert len(reused) == 1


def test_pool_size_zero_closes_as_django_does(settings_for: Any) -> None:
    first = settings_for(pool_size=0)
    first.ensure_connection()
    raw = first.connection
    first.close()
    second = settings_for(pool_size=0)
    second.ensure_connection()
    assert second.connection is not raw


def test_a_forked_child_opens_its_own_connection(settings_for: Any) -> None:
    first = settings_for()
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER)")
    raw_id = id(first.connection)
    first.close()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a new connection, the parent's left alone
        child = settings_for()
        child.ensure_connection()
        os.write(write, b"new" if id(child.connection) != raw_id else b"inherited")
        os._exit(0)
    os.close(write)
    answer = os.read(read, 16)
    os.waitpid(pid, 0)
    assert answer == b"new"
    # And the parent still has its idle connection.
    parent = settings_for()
    parent.ensure_connection()
    assert id(parent.connection) == raw_id
