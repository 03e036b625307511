"""`torget screen`: the JSON Lines contract other tools rely on."""

from __future__ import annotations

import io
import json
import os
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from torget.screening.api import screen

REPOSITORY = Path(__file__).resolve().parents[3]


def run_screen(data: bytes, *args: str) -> list[dict[str, Any]]:
    out = io.StringIO()
    call_command("screen", *args, stdin=io.BytesIO(data), stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_result_line_per_post_in_order() -> None:
    posts: list[dict[str, Any]] = [
        {"id": 1, "text": "Ring til mig på 22 33 44 55", "lang": "da"},
        {"id": "b-2", "text": "Jag vet var du bor"},
        {"id": None, "text": ""},
        {"id": {"platform": "facebook", "comment": 17}, "text": "Tak!", "lang": "sv"},
    ]
    data = b"".join(json.dumps(post).encode() + b"\n" for post in posts)
    results = run_screen(data)
    assert [result["id"] for result in results] == [post["id"] for post in posts]
    assert results[0]["flags"] == [{"code": "pii.phone", "score": 0.95, "start": 16, "end": 27}]
    assert [flag["code"] for flag in results[1]["flags"]] == ["threat"]
    for result, post in zip(results, posts, strict=True):
        assert set(result) == {"id", "flags", "offensive"}
        expected = screen(post["text"], language=post.get("lang"))
        assert result["offensive"] == round(expected.offensive, 4)
        assert [flag["code"] for flag in result["flags"]] == [f.code for f in expected.flags]
        for flag in result["flags"]:
            assert set(flag) == {"code", "score", "start", "end"}


def test_the_offensive_flag_and_probability() -> None:
    [result] = run_screen(b'{"id": 7, "text": "Hold din k\\u00e6ft, din fucking luder"}\n')
    codes = [flag["code"] for flag in result["flags"]]
    assert "offensive" in codes
    assert result["offensive"] >= 0.5


def test_bad_lines_give_an_error_line_and_the_stream_goes_on() -> None:
    data = b"\n".join(
        [
            b'{"id": 1, "text": "ok"}',
            b"",  # blank lines are skipped
            b"not json",
            b'{"id": 2, "text": 5}',
            b'{"id": 3}',
            b'{"id": 4, "text": "caf\xc3", "lang": "da"}',
            b"[1, 2]",
            b'{"id": 5, "text": "x", "lang": 7}',
            b'{"id": NaN, "text": "x"}',
            b"   ",
            b'{"id": 6, "text": "still here"}',
        ]
    )
    results = run_screen(data + b"\n")
    assert [result["id"] for result in results] == [1, None, 2, 3, 4, None, 5, None, 6]
    errors = {result["id"]: result.get("error") for result in results}
    assert errors[1] is None and errors[6] is None
    assert errors[2] == '"text" must be a string'
    assert errors[3] == 'missing "text"'
    bad_line = b'{"id": 4, "text": "caf\xc3", "lang": "da"}'
    position = bad_line.index(b"\xc3")
    assert errors[4] == f"invalid UTF-8 at byte {position}"
    assert errors[5] == '"lang" must be a string'
    assert [result["error"] for result in results if result["id"] is None] == [
        "invalid JSON: Expecting value: line 1 column 1 (char 0)",
        "expected a JSON object",
        "invalid JSON: NaN is not valid JSON",
    ]


def test_max_length_and_a_last_line_without_newline() -> None:
    [result] = run_screen('\ufeff{"id": 1, "text": "0123456789abc"}'.encode(), "--max-length", "10")
    assert result["flags"] == [{"code": "too_long", "score": 1.0, "start": 10, "end": 13}]


def test_offsets_count_characters_not_bytes() -> None:
    text = "Ærø 😀 skriv til åse@ø.dk"
    [result] = run_screen(json.dumps({"id": 1, "text": text}).encode() + b"\n")
    [flag] = result["flags"]
    assert text[flag["start"] : flag["end"]] == "åse@ø.dk"


def test_works_as_a_co_process_in_a_pipe() -> None:
    """Answer each line as it arrives, before the next is written (no buffering to the end)."""
    environment = dict(os.environ, DEBUG="true", DJANGO_SETTINGS_MODULE="torget.settings")
    process = subprocess.Popen(
        [sys.executable, "-m", "django", "screen"],
        cwd=REPOSITORY,
        env=environment,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        for number in range(3):
            process.stdin.write(json.dumps({"id": number, "text": "Vi finder dig."}).encode())
            process.stdin.write(b"\n")
            process.stdin.flush()
            # A guard against hanging forever, not a speed requirement.
            ready, _, _ = select.select([process.stdout], [], [], 120)
            assert ready, "no answer to a line while the input stayed open"
            answer = json.loads(process.stdout.readline())
            assert answer["id"] == number
            assert [flag["code"] for flag in answer["flags"]] == ["threat"]
        process.stdin.write(b'{"id": 9, "text": "\xff"}\n')
        process.stdin.close()
        assert json.loads(process.stdout.readline()) == {
            "id": 9,
            "error": "invalid UTF-8 at byte 19",
        }
        assert process.stdout.read() == b""
        assert process.wait(timeout=120) == 0
    finally:
        process.kill()
        process.wait()


def test_a_negative_max_length_is_refused() -> None:
    with pytest.raises(CommandError, match="--max-length"):
        run_screen(b'{"id": 1, "text": "x"}\n', "--max-length", "-1")
