"""Form rather than content: shouting, length over the limit, repetition."""

from __future__ import annotations

import re
from itertools import pairwise

from torget.screening.flags import REPETITION, SHOUTING, TOO_LONG, Flag
from torget.screening.normalise import Prepared

VERSION = "1"

# --- shouting --------------------------------------------------------------------------------

# Words of three letters or fewer never count: they are mostly acronyms (EU, DR, SVT, FN, KL)
# or short function words. Longer acronyms that are written in capitals as a matter of course:
ACRONYMS = frozenset(
    {
        "NATO", "SKAT", "COVID", "UNESCO", "UNICEF", "UNHCR", "OECD", "NASA", "FIFA", "UEFA",
        "SOSU", "LGBT", "LGBTQ", "LGBTQI", "AIDS", "IKEA", "LEGO", "ARLA", "SÄPO", "SMHI",
        "EFTA", "OSCE", "GDPR", "HTML", "JSON", "HTTP", "HTTPS", "NOAH", "DONG", "TDC",
        "BBSL", "SKR", "MSB", "CSN", "SCB", "FOLA", "PFAS", "COP", "USA", "CEO", "ADHD",
        "NGO", "ATP", "BUPL", "FOA", "LAKS", "SVT", "DSB",
    }
)  # fmt: skip
_LETTER_RUN_RE = re.compile(r"[^\W\d_]+")
# Cheap gate: four capital letters in a row (Latin, Nordic, Greek, Cyrillic) somewhere.
_CAPS_GATE_RE = re.compile(r"[A-ZÀ-ÖØ-ÞΑ-ΩА-ЯЁ]{4}")
SHOUT_MIN_LETTERS = 16
SHOUT_MIN_WORDS = 3
SHOUT_SHARE = 0.7


def find_shouting(prepared: Prepared) -> list[Flag]:
    """Flag the whole post when most of its longer words are in capitals; otherwise flag runs
    of at least three long capitalised words (and 16 letters) inside an ordinary post."""
    text = prepared.text
    if _CAPS_GATE_RE.search(text) is None:
        return []
    letters = upper = 0
    runs: list[tuple[int, int, int, int]] = []  # start, end, words, letters
    run: list[int] | None = None
    first_caps = last_caps = -1
    for match in _LETTER_RUN_RE.finditer(text):
        word = match.group()
        if word.isupper():
            if first_caps < 0:
                first_caps = match.start()
            last_caps = match.end()
        if len(word) <= 3 or word in ACRONYMS:
            continue  # neutral: neither counts nor breaks a run of capitals
        letters += len(word)
        if word.isupper():
            upper += len(word)
            if run is None:
                run = [match.start(), match.end(), 1, len(word)]
            else:
                run[1] = match.end()
                run[2] += 1
                run[3] += len(word)
        elif run is not None:
            runs.append((run[0], run[1], run[2], run[3]))
            run = None
    if run is not None:
        runs.append((run[0], run[1], run[2], run[3]))
    if upper == 0:
        return []
    share = upper / letters
    spans: list[tuple[int, int, float]] = []
    if upper >= SHOUT_MIN_LETTERS and share >= SHOUT_SHARE:
        spans.append((first_caps, last_caps, share))
    else:
        for start, end, words, run_letters in runs:
            if words >= SHOUT_MIN_WORDS and run_letters >= SHOUT_MIN_LETTERS:
                spans.append((start, end, min(1.0, 0.6 + 0.05 * words)))
    flags = []
    for start, end, score in spans:
        original_start, original_end = prepared.span(start, end)
        flags.append(
            Flag(
                code=SHOUTING,
                score=score,
                start=original_start,
                end=original_end,
                detector="style.shouting",
                version=VERSION,
            )
        )
    return flags


# --- too long --------------------------------------------------------------------------------


def find_too_long(original: str, max_length: int | None) -> list[Flag]:
    """The part beyond ``max_length`` characters (counted in the text as written)."""
    if max_length is None or len(original) <= max_length:
        return []
    return [
        Flag(
            code=TOO_LONG,
            score=1.0,
            start=max(0, max_length),
            end=len(original),
            detector="style.too_long",
            version=VERSION,
        )
    ]


# --- repetition ------------------------------------------------------------------------------

# One character ten times or more. Whitespace, digits and the characters people draw lines
# with ("----------", "==========") are left alone.
_CHAR_RUN_RE = re.compile(r"([^\s\d\-=_*.~#+])\1{9,}")
CHAR_RUN_MIN = 10
WORD_REPEATS = 5  # "nej nej nej" is emphasis; five times in a row is not
PHRASE_REPEATS = 3
MAX_PHRASE_WORDS = 8


def _repetition_score(repeats: int) -> float:
    return min(1.0, 0.4 + 0.1 * repeats)


def find_repetition(prepared: Prepared) -> list[Flag]:
    found: list[tuple[int, int, float]] = []
    for match in _CHAR_RUN_RE.finditer(prepared.folded):
        length = match.end() - match.start()
        found.append((match.start(), match.end(), min(1.0, 0.5 + length / 40)))
    words = prepared.word_list()
    # A word five times or a phrase three times repeats at least four words and one pair of
    # neighbouring words three times: cheap tests that almost every post fails.
    if len(words) - len(set(words)) >= 4 and len(words) - len(set(pairwise(words))) >= 3:
        found.extend(_periodic_repeats(prepared.token_spans(), words))
    flags = []
    for start, end, score in sorted(found):
        original_start, original_end = prepared.span(start, end)
        flags.append(
            Flag(
                code=REPETITION,
                score=score,
                start=original_start,
                end=original_end,
                detector="style.repetition",
                version=VERSION,
            )
        )
    return flags


def _periodic_repeats(
    spans: list[tuple[int, int]], words: list[str]
) -> list[tuple[int, int, float]]:
    """Stretches where the words repeat with a period of 1..8 words.

    Shorter periods are found first; a stretch already covered is not reported again
    ("ha ha ha ha ha ha" is one word repeated, not "ha ha" three times). Linear in the
    number of words for each period.
    """
    covered: list[tuple[int, int]] = []
    found: list[tuple[int, int, float]] = []
    count = len(words)
    for period in range(1, MAX_PHRASE_WORDS + 1):
        needed_repeats = WORD_REPEATS if period == 1 else PHRASE_REPEATS
        needed = (needed_repeats - 1) * period
        if count < needed + period:
            break
        run = 0
        for index in range(count - period + 1):
            if index < count - period and words[index] == words[index + period]:
                run += 1
                continue
            if run >= needed:
                first, last = index - run, index + period - 1
                if not any(first <= c_last and c_first <= last for c_first, c_last in covered):
                    covered.append((first, last))
                    repeats = (run + period) // period
                    found.append((spans[first][0], spans[last][1], _repetition_score(repeats)))
            run = 0
    return found
