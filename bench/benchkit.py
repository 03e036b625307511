"""What every benchmark script shares: percentiles, and facts about the machine and its load.

The scripts run as ``python bench/NAME.py``, which puts this folder on ``sys.path``.
"""

from __future__ import annotations

import math
import os
import platform
import sqlite3
import time
from pathlib import Path
from typing import Any


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile of ``values`` (need not be sorted); None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100.0 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000.0, 2)


def latency_summary(latencies: list[float]) -> dict[str, float | None]:
    return {
        "p50_ms": ms(percentile(latencies, 50)),
        "p95_ms": ms(percentile(latencies, 95)),
        "p99_ms": ms(percentile(latencies, 99)),
        "max_ms": ms(max(latencies) if latencies else None),
    }


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_load() -> dict[str, Any]:
    """Load average and CPU pressure: other work on the machine shows up here."""
    load: dict[str, Any] = {"loadavg": Path("/proc/loadavg").read_text().split()[:3]}
    try:
        some = Path("/proc/pressure/cpu").read_text().splitlines()[0].split()
        load["cpu_pressure_some_avg10"] = float(some[1].split("=")[1])
    except (OSError, IndexError, ValueError):
        pass
    return load


def wait_for_quiet(limit_seconds: float, pressure_limit: float = 10.0) -> float:
    """Wait (at most ``limit_seconds``) until other work leaves the CPUs alone; returns the
    seconds waited. Quiet means the 10-second CPU pressure is below ``pressure_limit`` %."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit_seconds:
        pressure = machine_load().get("cpu_pressure_some_avg10")
        if pressure is None or pressure < pressure_limit:
            break
        time.sleep(5)
    return time.perf_counter() - started


def machine_facts() -> dict[str, Any]:
    """CPU, versions and the database in use (Django must be set up)."""
    from django import get_version
    from django.db import connection

    database: dict[str, Any] = {"vendor": connection.vendor}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            row = cursor.fetchone()
            database["version"] = row[0] if row else "unknown"
    else:
        database["version"] = sqlite3.sqlite_version
    connection.close()
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "django": get_version(),
        "sqlite": sqlite3.sqlite_version,
        "database": database,
        "kernel": platform.release(),
    }
