"""E-mail addresses and phone numbers (Danish, Swedish, Norwegian and international forms).

Phone numbers are recognised by their written shape, then checked:

* ``+45``/``0045`` followed by 8 digits, ``+46`` by 7–9 (a leading 0 after the country code is
  tolerated), ``+47`` by 8, any other ``+CC`` by 8–15 digits in all;
* Danish/Norwegian national form: 8 digits written ``12 34 56 78``, ``1234 5678``,
  ``123 45 678`` or ``12 34 5678``, or bare ``23456789`` when the first digit is 2–9 (as
  every subscriber number's is);
* Swedish national form: a leading ``0`` (not ``00``), 8–10 digits, written with a separator
  after a 2–4 digit area code (``08-123 456 78``, ``070-123 45 67``) or as ten digits starting
  ``07`` (a mobile number).

Not phone numbers: dates ("12-03-2024", "20240312"), amounts ("1.234.567 kr", "12345678 kr"),
case and account numbers (a case, invoice or account word just before them), digit groups
glued to more digits, and anything the national-ID detector already reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from torget.screening.flags import EMAIL, PHONE, Flag
from torget.screening.normalise import Prepared

VERSION = "1"

# --- e-mail ----------------------------------------------------------------------------------

_AT_RE = re.compile(r"@|[(\[] ?at ?[)\]]")
_DOMAIN_RE = re.compile(
    r" ?(?:[^\W_][\w-]{0,62})(?:\.[^\W_][\w-]{0,62}){0,8}\.[^\W\d_]{2,24}(?![\w-])"
)
_LOCAL_EXTRA = frozenset("._%+-'")
_LOCAL_MAX = 64


def find_emails(prepared: Prepared) -> list[Flag]:
    text = prepared.folded
    flags: list[Flag] = []
    for at in _AT_RE.finditer(text):
        # Walk back over the local part: bounded, so a megabyte of letters before "@" costs
        # at most 64 steps per "@".
        local_end = at.start()
        if at.group() != "@" and local_end > 0 and text[local_end - 1] == " ":
            local_end -= 1  # "jens (at) kommune.dk"
        start = local_end
        limit = max(0, start - _LOCAL_MAX)
        while start > limit and (text[start - 1].isalnum() or text[start - 1] in _LOCAL_EXTRA):
            start -= 1
        while start < local_end and text[start] in ".'":
            start += 1
        if start == local_end:
            continue
        domain = _DOMAIN_RE.match(text, at.end())
        if domain is None:
            continue
        original_start, original_end = prepared.span(start, domain.end())
        flags.append(
            Flag(
                code=EMAIL,
                score=0.95 if at.group() == "@" else 0.8,
                start=original_start,
                end=original_end,
                detector="contact.email",
                version=VERSION,
            )
        )
    return flags


# --- phone -----------------------------------------------------------------------------------

# Digit groups separated by exactly one separator: no two ways to split the same digits, so no
# backtracking blow-up however long the digit run is.
_PHONE_RE = re.compile(
    r"(?<![\w+])(?<![0-9][.,/\-])"
    r"(?P<plus>\+ ?)?"
    r"(?:(?P<country>[1-9][0-9]{0,2}) ?\(0\) ?)?"  # "+46 (0)70 …": the trunk 0 in brackets
    r"(?:\((?P<area>0[0-9]{1,3})\) ?)?"
    r"(?P<body>[0-9]+(?:[ .\-][0-9]+){0,6})"
    r"(?!\w)(?![.,/\-][0-9])"
)
_GROUP_SPLIT_RE = re.compile(r"[ .\-]")
_SEVEN_DIGITS_RE = re.compile(r"[0-9](?:[ .\-()]{0,2}[0-9]){6}")
_DK_NO_SHAPES = frozenset({(8,), (2, 2, 2, 2), (4, 4), (3, 2, 3), (2, 2, 4)})
_NOT_PHONE_BEFORE_RE = re.compile(
    r"(?:\bsag|sagsn|\bj\.? ?nr|journal|\bdnr|diarie|ärende|\bcase|\bref|konto|account|\breg"
    r"|faktura|invoice|ordre|order|\bkr\.?|\bdkk|\bsek|\bnok|\beur|€|\$|\bcvr|\borg)"
    r"[\w.]*\s*[:.#-]?\s*$"
)
_NOT_PHONE_AFTER_RE = re.compile(
    r"\s?(?:kr\b|kroner|kronor|dkk|sek|nok|eur|euro|€|\$|%|,-|mio|mia|stk|år\b|m2|m²|km\b)"
)
_PHONE_WORDS_RE = re.compile(r"\btlf|telef|\btel\b|\bmob|\bring|\bsms|phone|\bcall|\bnummer")
_CONTEXT = 24


def _is_date(groups: list[str]) -> bool:
    lengths = tuple(len(group) for group in groups)
    values = [int(group) for group in groups]
    if lengths == (8,):
        digits = groups[0]
        candidates = [
            (int(digits[0:4]), int(digits[4:6]), int(digits[6:8])),
            (int(digits[4:8]), int(digits[2:4]), int(digits[0:2])),
        ]
    elif len(groups) == 3 and lengths[0] == 4:
        candidates = [(values[0], values[1], values[2])]
    elif len(groups) == 3:
        year = values[2] if lengths[2] == 4 else 2000 + values[2]
        candidates = [(year, values[1], values[0])]
    else:
        return False
    for year, month, day in candidates:
        if 1800 <= year <= 2200:
            try:
                date(year, month, day)
            except ValueError:
                continue
            return True
    return False


def _international_score(digits: str) -> float | None:
    if digits.startswith("45"):
        return 0.95 if len(digits) == 10 else None
    if digits.startswith("46"):
        rest = digits[2:]
        rest = rest[1:] if rest.startswith("0") else rest
        return 0.95 if 7 <= len(rest) <= 9 else None
    if digits.startswith("47"):
        return 0.95 if len(digits) == 10 else None
    return 0.8 if 8 <= len(digits) <= 15 else None


def _national_score(groups: list[str], area: str | None) -> float | None:
    if area is not None:
        groups = [area, *groups]
    digits = "".join(groups)
    lengths = tuple(len(group) for group in groups)
    if len(digits) < 8:
        return None
    if digits[0] == "0":
        if digits[1] == "0" or not 8 <= len(digits) <= 10:
            return None
        if len(groups) == 1:
            return 0.7 if len(digits) == 10 and digits.startswith("07") else None
        if not 2 <= lengths[0] <= 4 or not all(2 <= length <= 8 for length in lengths[1:]):
            return None
        return None if _is_date(groups) else 0.85
    if len(digits) == 8 and lengths in _DK_NO_SHAPES:
        if _is_date(groups):
            return None
        if len(groups) > 1:
            return 0.85
        # Bare eight digits are numbers of any kind unless they start like a subscriber
        # number (2-9); written in groups they are read as a phone number.
        return 0.6 if digits[0] in "23456789" else None
    return None


def find_phones(prepared: Prepared, *, exclude: Sequence[tuple[int, int]] = ()) -> list[Flag]:
    text = prepared.text
    if _SEVEN_DIGITS_RE.search(text) is None:
        return []  # no phone number has fewer than seven digits; most posts have none
    folded = prepared.folded
    flags: list[Flag] = []
    for match in _PHONE_RE.finditer(text):
        groups = _GROUP_SPLIT_RE.split(match.group("body"))
        if match.group("plus"):
            if match.group("area") is not None:
                groups = [match.group("area")[1:], *groups]
            if match.group("country") is not None:
                groups = [match.group("country"), *groups]
            score = _international_score("".join(groups))
        elif match.group("country") is not None:
            continue
        elif groups[0].startswith("00") and match.group("area") is None:
            score = _international_score("".join(groups)[2:])
        else:
            score = _national_score(groups, match.group("area"))
            if score is not None:
                before = folded[max(0, match.start() - _CONTEXT) : match.start()]
                if _NOT_PHONE_BEFORE_RE.search(before) or _NOT_PHONE_AFTER_RE.match(
                    folded, match.end()
                ):
                    continue
        if score is None:
            continue
        before = folded[max(0, match.start() - _CONTEXT) : match.start()]
        if _PHONE_WORDS_RE.search(before):
            score = max(score, 0.95)
        start, end = prepared.span(match.start(), match.end())
        if any(start < other_end and other_start < end for other_start, other_end in exclude):
            continue
        flags.append(
            Flag(
                code=PHONE,
                score=score,
                start=start,
                end=end,
                detector="contact.phone",
                version=VERSION,
            )
        )
    return flags
