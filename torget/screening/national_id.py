"""National identity numbers: Danish CPR, Swedish personnummer/samordningsnummer, Norwegian
fødselsnummer/D-nummer.

A number is reported only when its date is a real, past date under the number's own century
rules and, where the scheme has one that is always used, its check digits hold:

* CPR (DK): DDMMYY-SSSS or ten digits. The 7th digit and the year give the century. The
  modulus-11 check is NOT required: numbers issued since 2007 may fail it. Passing it only
  raises the score.
* Personnummer (SE): YYMMDD-NNNN, YYMMDD+NNNN (``+`` = aged 100 or more), YYYYMMDD-NNNN or
  the same without separator; Luhn check on the ten-digit form; samordningsnummer have
  day + 60.
* Fødselsnummer (NO): DDMMYYIIIKK (optionally a space after the date); both modulus-11 check
  digits; D-nummer have day + 40; the individual number gives the century.

Numbers glued to other digits by punctuation ("12-3456789012", "1.0101901234") or preceded by
"+" are not read as ID numbers: they are account, case or phone numbers. Numbers separated by
spaces are read one by one, so that a list of ID numbers is masked in full. A ten-digit number
without separator right after a phone word ("tlf", "ring", "mobil", …) is left to the phone
detector unless an ID word ("cpr", "personnummer", …) is nearer.
"""

from __future__ import annotations

import re
from datetime import date
from operator import mul

from torget.screening.flags import NATIONAL_ID, Flag
from torget.screening.normalise import Prepared

VERSION = "1"

_ID_RE = re.compile(
    r"(?<![\w+])(?<![0-9][.,/\-–])"
    r"(?:"
    r"(?P<se12>(?:18|19|20)[0-9]{2}[01][0-9][0-9]{2})(?P<sep12>[-+–]?)(?P<tail12>[0-9]{4})"
    r"|(?P<no11>[0-9]{6} ?[0-9]{5})"
    r"|(?P<head10>[0-9]{6})(?P<sep10>[-+–]?)(?P<tail10>[0-9]{4})"
    r")"
    r"(?!\w)(?![.,/\-–][0-9])"
)

_SIX_DIGITS_RE = re.compile(r"[0-9]{6}")
_ID_WORDS_RE = re.compile(
    r"cpr|personn(?:umme)?r|pers\.? ?nr|\bp-?nr|f[øo]dselsn(?:umme)?r|\bfnr|samordningsn"
    r"|d-numme|social security|\bssn\b|personal (?:id|number)|national id"
)
_PHONE_WORDS_RE = re.compile(r"\btlf|telef|\btel\b|\bmob|\bring|\bsms|phone|\bcall")
_CONTEXT = 32

_NO_WEIGHTS_1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_NO_WEIGHTS_2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_DK_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


def _real_date(year: int, month: int, day: int, today: date) -> bool:
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return born <= today


_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # digit * 2, digits summed


def _luhn(digits: str) -> bool:
    doubled = sum(_LUHN_DOUBLED[int(char)] for char in digits[-2::-2])
    return (doubled + sum(map(int, digits[-1::-2]))) % 10 == 0


def dk_cpr_valid(digits: str, *, today: date) -> bool:
    """Date and century digit of a ten-digit CPR number (modulus 11 deliberately ignored)."""
    day, month, year2 = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    seventh = int(digits[6])
    if seventh <= 3:
        year = 1900 + year2
    elif seventh in (4, 9):
        year = 2000 + year2 if year2 <= 36 else 1900 + year2
    else:
        year = 2000 + year2 if year2 <= 57 else 1800 + year2
    return _real_date(year, month, day, today)


def dk_modulus_11(digits: str) -> bool:
    total: int = sum(map(mul, map(int, digits), _DK_WEIGHTS))
    return total % 11 == 0


def se_personnummer_kind(digits: str, *, separator: str, today: date) -> str | None:
    """``"personnummer"``, ``"samordningsnummer"`` or None for a 10- or 12-digit number."""
    if len(digits) == 12:
        year = int(digits[0:4])
        short = digits[2:]
    else:
        short = digits
        year = today.year // 100 * 100 + int(digits[0:2])
        if year > today.year:
            year -= 100
        if separator == "+":
            year -= 100
    if not _luhn(short):
        return None
    month, day = int(short[2:4]), int(short[4:6])
    kind = "personnummer"
    if day > 60:
        day -= 60
        kind = "samordningsnummer"
    return kind if _real_date(year, month, day, today) else None


def no_fodselsnummer_kind(digits: str, *, today: date) -> str | None:
    """``"fodselsnummer"``, ``"d_nummer"`` or None for an eleven-digit number."""
    values = [int(char) for char in digits]
    for weights, position in ((_NO_WEIGHTS_1, 9), (_NO_WEIGHTS_2, 10)):
        check = 11 - sum(v * w for v, w in zip(values, weights, strict=False)) % 11
        if check == 11:
            check = 0
        if check == 10 or check != values[position]:
            return None
    day, month, year2 = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    kind = "fodselsnummer"
    if day > 40:
        day -= 40
        kind = "d_nummer"
    individual = int(digits[6:9])
    if individual <= 499:
        year = 1900 + year2
    elif individual <= 749 and year2 >= 54:
        year = 1800 + year2
    elif individual >= 500 and year2 <= 39:
        year = 2000 + year2
    elif individual >= 900 and year2 >= 40:
        year = 1900 + year2
    else:
        return None
    return kind if _real_date(year, month, day, today) else None


def _classify(match: re.Match[str], today: date) -> tuple[str, float] | None:
    """The detector name and score for one candidate, or None when it is not an ID number."""
    if match.group("se12") is not None:
        digits = match.group("se12") + match.group("tail12")
        kind = se_personnummer_kind(digits, separator=match.group("sep12"), today=today)
        return (f"se_{kind}", 0.95) if kind else None
    if match.group("no11") is not None:
        kind = no_fodselsnummer_kind(match.group("no11").replace(" ", ""), today=today)
        return (f"no_{kind}", 0.9) if kind else None
    digits = match.group("head10") + match.group("tail10")
    separator = match.group("sep10")
    # Cheapest first; a CPR number written with its hyphen is as sure as it gets.
    dk_valid = separator != "+" and dk_cpr_valid(digits, today=today)
    if dk_valid and separator:
        return "dk_cpr", 0.95
    if dk_valid and dk_modulus_11(digits):
        return "dk_cpr", 0.85
    kind = se_personnummer_kind(digits, separator=separator, today=today)
    if kind:
        return f"se_{kind}", 0.95 if separator else 0.8
    return ("dk_cpr", 0.7) if dk_valid else None


def find_national_ids(prepared: Prepared, *, today: date | None = None) -> list[Flag]:
    text = prepared.text
    if _SIX_DIGITS_RE.search(text) is None:
        return []  # every form starts with six digits in a row; most posts have none
    today = today or date.today()
    flags: list[Flag] = []
    for match in _ID_RE.finditer(text):
        found = _classify(match, today)
        if found is None:
            continue
        kind, score = found
        start, end = match.span()
        context = prepared.folded[max(0, start - _CONTEXT) : start]
        id_word = _last_match_end(_ID_WORDS_RE, context)
        if match.group("head10") is not None and not match.group("sep10"):
            phone_word = _last_match_end(_PHONE_WORDS_RE, context)
            if phone_word is not None and (id_word is None or phone_word > id_word):
                continue
        if id_word is not None:
            score = max(score, 0.99)
        original_start, original_end = prepared.span(start, end)
        flags.append(
            Flag(
                code=NATIONAL_ID,
                score=score,
                start=original_start,
                end=original_end,
                detector=f"national_id.{kind}",
                version=VERSION,
            )
        )
    return flags


def _last_match_end(pattern: re.Pattern[str], context: str) -> int | None:
    last = None
    for match in pattern.finditer(context):
        last = match.end()
    return last


MASK_CHAR = "•"


def mask_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """Replace every digit inside the spans with a bullet; keep separators, drop invisibles."""
    if not spans:
        return text
    pieces: list[str] = []
    position = 0
    for start, end in sorted(spans):
        if start < position:
            start = position
        pieces.append(text[position:start])
        for char in text[start:end]:
            if char.isdigit():
                pieces.append(MASK_CHAR)
            elif char.isprintable():
                pieces.append(char)
        position = max(position, end)
    pieces.append(text[position:])
    return "".join(pieces)
