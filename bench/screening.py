"""Benchmark: the whole screening pipeline (every detector + the classifier) on one core.

Runs ``torget.screening.api.screen`` over a realistic mix — the DKhate comments when
``../shared/data/dkhate`` is present, plus generated Danish, Swedish and English posts with
ID numbers, phone numbers, e-mail addresses, links, spam, threats, shouting and a few long
posts — in one process pinned to one core, for a bounded time and number of posts. Prints the
figures and, as its last line, one JSON object.

    .venv/bin/python bench/screening.py [--seconds 10] [--max-posts 200000] [--core N]

Targets (docs/performance.md): >= 5,000 posts/s on one core, p99 < 2 ms per post.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from torget.screening.api import load_model, screen  # noqa: E402
from torget.screening.dataset import read_offenseval_tsv  # noqa: E402

DKHATE = REPOSITORY.parent / "shared" / "data" / "dkhate" / "offenseval-da-training-v1.tsv"
TARGET_POSTS_PER_SECOND = 5000
TARGET_P99_MS = 2.0

_DANISH = [
    "Hvorfor lukker I skolen i {town}? Mine børn har {n} minutters cykeltur i forvejen.",
    "Tak for et godt borgermøde i aftes, især om {topic}.",
    "Mit CPR-nummer er {cpr}, kan I se på min sag om {topic}?",
    "Ring til mig på {dk_phone} eller skriv til {email}, så forklarer jeg det.",
    "Jeg ved hvor du bor, borgmester. Tænk over det.",
    "KLIK HER for gratis bitcoin: bit.ly/{code} !!!",
    "JEG ER SÅ TRÆT AF AT I ALDRIG SVARER PÅ NOGET SOM HELST OM {TOPIC}",
    "Læs høringssvaret på https://{town}.dk/hoering/{code} før mødet.",
    "nej nej nej nej nej nej nej",
    "Pas på med at skære i ældreplejen, det rammer de svageste i {town}.",
]
_SWEDISH = [
    "Varför stänger ni biblioteket i {town}? Det är det enda stället för {topic}.",
    "Mitt personnummer är {pnr}, jag har inte fått svar om {topic}.",
    "Ring mig på {se_phone} eller mejla {email}.",
    "Vi vet var du bor. Vi hittar dig.",
    "Tjäna pengar hemifrån! Klicka här: tinyurl.com/{code}",
    "Det här kommer att slå ihjäl landsbygden, tänk om kring {topic}.",
    "Tack för svaret om {topic}, det var tydligt.",
]
_ENGLISH = [
    "When will the {topic} consultation close? I could not find it on {town}.gov.uk.",
    "I know where you live and we will find you.",
    "Call +44 20 7946 {four} or email {email} for details.",
    "Be careful about cutting elderly care in {town}, people depend on it.",
    "Cheap loans, click here: https://bit.ly/{code}",
]
_TOWNS = ["odense", "aarhus", "lund", "malmo", "kolding", "umea", "herning", "york"]
_TOPICS = ["trafik", "skolen", "ældreplejen", "cykelstier", "parkering", "äldrevården"]


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(count))


def synthetic_posts(count: int, seed: int = 2025) -> list[str]:
    """Deterministic posts with the kinds of content the detectors look for."""
    rng = random.Random(seed)
    templates = _DANISH + _SWEDISH + _ENGLISH
    posts = []
    for index in range(count):
        template = templates[index % len(templates)]
        topic = rng.choice(_TOPICS)
        post = template.format(
            town=rng.choice(_TOWNS),
            topic=topic,
            TOPIC=topic.upper(),
            n=rng.randrange(5, 60),
            cpr=f"{rng.randrange(1, 29):02d}{rng.randrange(1, 13):02d}{rng.randrange(100):02d}"
            f"-{_digits(rng, 4)}",
            pnr="811218-9876",
            dk_phone=f"{rng.randrange(20, 99)} {_digits(rng, 2)} {_digits(rng, 2)} "
            f"{_digits(rng, 2)}",
            se_phone=f"070-{_digits(rng, 3)} {_digits(rng, 2)} {_digits(rng, 2)}",
            email=f"{rng.choice(['anna', 'ib', 'sven', 'jo'])}{rng.randrange(100)}@example.org",
            code=_digits(rng, 6),
            four=_digits(rng, 4),
        )
        if index % 50 == 0:
            post = " ".join([post] * rng.randrange(10, 30))  # a few long posts
        posts.append(post)
    return posts


def build_mix() -> tuple[list[str], dict[str, int]]:
    real: list[str] = []
    if DKHATE.is_file():
        real = [text for text, _ in read_offenseval_tsv(DKHATE).examples]
    generated = synthetic_posts(max(1000, len(real) // 2))
    mix = real + generated
    random.Random(7).shuffle(mix)
    return mix, {"dkhate": len(real), "synthetic": len(generated)}


def pin_to_core(core: int | None) -> int:
    available = sorted(os.sched_getaffinity(0))
    chosen = available[-1] if core is None else core
    os.sched_setaffinity(0, {chosen})
    return chosen


def machine_load() -> dict[str, object]:
    """Load average and CPU pressure: other work on the machine spoils the figures."""
    load: dict[str, object] = {}
    try:
        load["loadavg"] = Path("/proc/loadavg").read_text().split()[:3]
        pressure = Path("/proc/pressure/cpu").read_text().split("\n", 1)[0]
        fields = dict(item.split("=", 1) for item in pressure.split()[1:])
        load["cpu_pressure_some_avg10"] = float(fields["avg10"])
    except (OSError, KeyError, ValueError):
        pass
    return load


def percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=10.0, help="time budget for measuring")
    parser.add_argument("--max-posts", type=int, default=200_000, help="post budget")
    parser.add_argument("--core", type=int, default=None, help="CPU to pin to (default: last)")
    options = parser.parse_args()

    core = pin_to_core(options.core)
    mix, composition = build_mix()
    model = load_model("da")
    for text in mix[:500]:  # warm up caches and code paths; not measured
        screen(text)

    load_before = machine_load()
    durations: list[float] = []
    flagged = 0
    characters = 0
    clock = time.perf_counter
    started = clock()
    deadline = started + options.seconds
    index = 0
    while len(durations) < options.max_posts and clock() < deadline:
        text = mix[index % len(mix)]
        index += 1
        before = clock()
        result = screen(text, max_length=2000)
        durations.append(clock() - before)
        flagged += bool(result.flags)
        characters += len(text)
    elapsed = clock() - started

    ordered = sorted(durations)
    figures = {
        "benchmark": "screening",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {_cpu_name()}",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "core": core,
        "posts": len(durations),
        "seconds": round(elapsed, 3),
        "posts_per_second": round(len(durations) / elapsed, 1),
        "p50_ms": round(percentile(ordered, 0.50) * 1000, 4),
        "p99_ms": round(percentile(ordered, 0.99) * 1000, 4),
        "max_ms": round(ordered[-1] * 1000, 4),
        "mean_ms": round(statistics.fmean(durations) * 1000, 4),
        "mean_characters": round(characters / len(durations), 1),
        "flagged_share": round(flagged / len(durations), 3),
        "mix": composition,
        "model": model.name,
        "model_version": model.version,
        "cv_macro_f1": model.metadata.get("cv", {}).get("macro_f1"),
        "cv_precision": model.metadata.get("cv", {}).get("precision"),
        "cv_recall": model.metadata.get("cv", {}).get("recall"),
        "target": {"posts_per_second": TARGET_POSTS_PER_SECOND, "p99_ms": TARGET_P99_MS},
        "load_before": load_before,
        "load_after": machine_load(),
    }
    print(
        f"screening: {figures['posts']} posts in {figures['seconds']} s on core {core}: "
        f"{figures['posts_per_second']} posts/s, p50 {figures['p50_ms']} ms, "
        f"p99 {figures['p99_ms']} ms (target >= {TARGET_POSTS_PER_SECOND}/s, "
        f"p99 < {TARGET_P99_MS} ms); classifier CV macro-F1 {figures['cv_macro_f1']}; "
        f"machine load before/after: {load_before} / {figures['load_after']}"
    )
    print(json.dumps(figures))


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    main()
