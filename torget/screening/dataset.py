"""Reading labelled posts in the OffensEval TSV format and scoring predictions against them.

The format (OffensEval 2020, DKhate): a header line ``id<TAB>tweet<TAB>subtask_a``, then one
post per line with the label ``OFF`` (offensive) or ``NOT``. Quotes are ordinary characters.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

HEADER = ("id", "tweet", "subtask_a")
LABELS = {"OFF": True, "NOT": False}


class DatasetError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class LabelledPosts:
    examples: list[tuple[str, bool]]
    # Lines that could not be read, as (line number, reason): reported, not guessed at. The
    # published DKhate training file has one ("4000    [deleted]   NOT", spaces for tabs).
    skipped: list[tuple[int, str]]


def read_offenseval_tsv(path: Path) -> LabelledPosts:
    """``(text, is_offensive)`` pairs; malformed lines are skipped and listed."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DatasetError(f"{path}: {error.strerror or error}") from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DatasetError(f"{path}: not UTF-8 (byte {error.start})") from None
    # Split on newlines only: str.splitlines() would also split inside posts at U+2028 etc.
    lines = [line.removesuffix("\r") for line in content.split("\n")]
    header = tuple(column.strip().lower() for column in lines[0].split("\t"))
    if header[:3] != HEADER:
        raise DatasetError(f"{path}: expected the header id<TAB>tweet<TAB>subtask_a")
    examples = []
    skipped = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        columns = line.split("\t")
        if len(columns) < 3:
            skipped.append((number, "expected 3 tab-separated columns"))
            continue
        label = columns[2].strip().upper()
        if label not in LABELS:
            skipped.append((number, f"label {columns[2]!r} is neither OFF nor NOT"))
            continue
        examples.append((columns[1], LABELS[label]))
    if not examples:
        raise DatasetError(f"{path}: no labelled posts")
    return LabelledPosts(examples, skipped)


@dataclass(frozen=True, slots=True)
class Scores:
    """Precision and recall of the offensive class, and macro-F1 over both classes."""

    precision: float
    recall: float
    macro_f1: float
    support: int
    positives: int

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "macro_f1": round(self.macro_f1, 4),
            "support": self.support,
            "positives": self.positives,
        }


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def score(truth: Iterable[bool], predicted: Iterable[bool]) -> Scores:
    tp = fp = fn = tn = 0
    for actual, guess in zip(truth, predicted, strict=True):
        if actual and guess:
            tp += 1
        elif guess:
            fp += 1
        elif actual:
            fn += 1
        else:
            tn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    precision_not = tn / (tn + fn) if tn + fn else 0.0
    recall_not = tn / (tn + fp) if tn + fp else 0.0
    macro = (_f1(precision, recall) + _f1(precision_not, recall_not)) / 2
    return Scores(precision, recall, macro, tp + fp + fn + tn, tp + fn)
