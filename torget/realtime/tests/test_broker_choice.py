"""The broker is chosen by REALTIME_BROKER; a value that cannot work stops Torget at start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from pytest_django import Settings

from torget.realtime.broker import InProcessBroker, get_broker

ROOT = Path(__file__).resolve().parents[3]


def _torget_check(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"REALTIME_BROKER", "REDIS_URL"}}
    return subprocess.run(
        [sys.executable, "-m", "torget", "check"],
        env={
            **base,
            "DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{tmp_path}/check.sqlite3",
            **env,
        },
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_the_in_process_broker_is_the_default(settings: Settings) -> None:
    settings.REALTIME_BROKER = "inprocess"

    assert isinstance(get_broker(), InProcessBroker)


def test_an_unknown_broker_fails_loudly(tmp_path: Path) -> None:
    result = _torget_check({"REALTIME_BROKER": "kafka"}, tmp_path)

    assert result.returncode != 0
    assert "REALTIME_BROKER='kafka': use one of inprocess, postgres, redis" in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"REALTIME_BROKER": "postgres"}, "REALTIME_BROKER=postgres needs PostgreSQL"),
        ({"REALTIME_BROKER": "redis", "REDIS_URL": ""}, "REALTIME_BROKER=redis needs REDIS_URL"),
    ],
    ids=["postgres-on-sqlite", "redis-without-url"],
)
def test_a_broker_the_installation_cannot_carry_is_refused(
    env: dict[str, str], message: str, tmp_path: Path
) -> None:
    result = _torget_check(env, tmp_path)

    assert result.returncode != 0
    assert "realtime.E001" in result.stderr
    assert message in result.stderr


def test_asking_for_an_unknown_broker_in_code_fails_too(settings: Settings) -> None:
    settings.REALTIME_BROKER = "carrier-pigeon"

    with pytest.raises(ImproperlyConfigured, match="carrier-pigeon"):
        get_broker()
