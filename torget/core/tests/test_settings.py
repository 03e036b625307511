"""Settings come from the environment, and bad values fail loudly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from torget.settings import env_bool, parse_database_url

ROOT = Path(__file__).resolve().parents[3]


def test_sqlite_url_gives_wal_and_immediate_transactions(tmp_path: Path) -> None:
    config = parse_database_url(f"sqlite:///{tmp_path}/t.sqlite3")
    assert config["ENGINE"] == "torget.core.sqlite"
    assert config["NAME"] == f"{tmp_path}/t.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert "busy_timeout" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db
def test_an_sqlite_commit_is_on_disk_before_the_receipt_says_so() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL syncs every commit by default (synchronous_commit=on)")
    # Given the embedded database's own connection, as a submission uses it
    with connection.cursor() as cursor:
        synchronous = cursor.execute("PRAGMA synchronous").fetchone()[0]
    # Then every commit is synced to disk (2 = FULL), not only at checkpoints (1 = NORMAL)
    assert synchronous == 2


def test_sqlite_keeps_closed_connections_up_to_the_pool_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_POOL_SIZE", raising=False)
    assert parse_database_url(f"sqlite:///{tmp_path}/t.sqlite3")["POOL_SIZE"] == 10
    monkeypatch.setenv("DATABASE_POOL_SIZE", "0")
    assert parse_database_url(f"sqlite:///{tmp_path}/t.sqlite3")["POOL_SIZE"] == 0
    monkeypatch.setenv("DATABASE_POOL_SIZE", "-1")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_POOL_SIZE"):
        parse_database_url(f"sqlite:///{tmp_path}/t.sqlite3")


def test_postgres_url_is_split_into_parts() -> None:
    config = parse_database_url("postgres://torget:s%40cret@db.example:5433/torget")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"]) == (
        "torget",
        "s@cret",
        "db.example",
        "5433",
    )
    assert config["NAME"] == "torget"


def test_postgres_shares_a_pool_of_connections_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_POOL_SIZE", raising=False)
    monkeypatch.delenv("DATABASE_CONN_MAX_AGE", raising=False)
    config = parse_database_url("postgres://torget@db.example/torget")
    assert config["OPTIONS"]["pool"]["max_size"] == 10
    assert config["CONN_MAX_AGE"] == 0  # Django refuses a pool with persistent connections


def test_a_pool_size_of_zero_gives_plain_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_POOL_SIZE", "0")
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "60")
    config = parse_database_url("postgres://torget@db.example/torget")
    assert "pool" not in config["OPTIONS"]
    assert config["CONN_MAX_AGE"] == 60


@pytest.mark.parametrize(
    ("pool", "max_age", "message"),
    [("-1", "0", "DATABASE_POOL_SIZE=-1"), ("5", "60", "set one of them to 0")],
)
def test_contradictory_connection_settings_are_refused(
    monkeypatch: pytest.MonkeyPatch, pool: str, max_age: str, message: str
) -> None:
    monkeypatch.setenv("DATABASE_POOL_SIZE", pool)
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", max_age)
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_database_url("postgres://torget@db.example/torget")


@pytest.mark.parametrize(
    "url", ["mysql://x@y/z", "postgres://x@y", "sqlite://host/file.db", "sqlite:///"]
)
def test_unusable_database_urls_are_refused(url: str) -> None:
    with pytest.raises(ImproperlyConfigured):
        parse_database_url(url)


def test_a_misspelt_boolean_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_FLAG", "ja")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG")


def _torget(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "torget", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_secret_key_is_required_without_debug() -> None:
    result = _torget(["check"], {"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    result = _torget(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "DEBUG": "false",
            "SECRET_KEY": "k" * 20 + "Xy9!qZ" * 10,
            "ALLOWED_HOSTS": "dialog.example.dk",
            "DATABASE_URL": f"sqlite:///{tmp_path}/deploy.sqlite3",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
