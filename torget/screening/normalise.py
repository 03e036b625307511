"""Normalised views of a post, each mapped back to character offsets in the original text.

Detectors match against normalised text so that evasions (full-width digits, ligatures,
zero-width characters inside words, Cyrillic look-alike letters, "1d10t"-style digits) do not
hide what a moderator should see; every span they report is mapped back to the text the
citizen wrote, so a UI can highlight it.

Three views share one offset map (they have the same length):

``text``
    NFKC-normalised, invisible characters removed, case kept. Used for numbers, e-mail
    addresses and shouting.
``folded``
    ``text`` with look-alike letters folded to Latin and lower-cased. Used for links.
``words``
    ``folded`` with digits and symbols inside words read as letters ("h4t3r" -> "hater").
    Used by the word detectors and the classifier.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that render as nothing and are used to split words past filters: soft hyphen,
# combining grapheme joiner, zero-width space/joiners, direction marks and embeddings, word
# joiner and invisible operators, variation selectors, byte-order mark, Hangul fillers, tags.
_INVISIBLE_CLASS = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e007f\U000e0100-\U000e01ef"
)
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE_CLASS}]+")
_VISIBLE_RUN_RE = re.compile(f"[^{_INVISIBLE_CLASS}]+")
_SEGMENT_RE = re.compile(r"\s+|\S+")

# Letters from other scripts (and Latin small capitals) that look like Latin letters. Folding
# them is only right for matching Latin-script words; the original text is never changed.
_HOMOGLYPH_PAIRS = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "о": "o", "р": "p", "с": "c", "у": "y",
    "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    "һ": "h", "ӏ": "l", "к": "k", "м": "m", "т": "t", "А": "a", "В": "b", "Е": "e",
    "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p", "С": "c", "Т": "t", "Х": "x",
    "У": "y", "І": "i", "Ј": "j", "Ѕ": "s",
    # Greek
    "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i",
    "Κ": "k", "Μ": "m", "Ν": "n", "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x",
    # Latin look-alikes and small capitals
    "ı": "i", "ɑ": "a", "ɡ": "g", "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e",
    "ɢ": "g", "ʜ": "h", "ɪ": "i", "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n",
    "ᴏ": "o", "ᴘ": "p", "ʀ": "r", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w",
    "ʏ": "y", "ᴢ": "z",
}  # fmt: skip
_HOMOGLYPHS = str.maketrans(_HOMOGLYPH_PAIRS)
_HOMOGLYPH_RE = re.compile("[" + "".join(_HOMOGLYPH_PAIRS) + "]")

# Digits and symbols read as letters, but only inside a word: "2024" and "5 kr" stay as they
# are, "h4t3r" and "1d10t" become "hater" and "idiot". "!" and "|" only between two letters.
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_LEET |= {"!": "i", "|": "l"}
_LEET_RE = re.compile(
    r"(?<=[^\W\d_])[013457@$]|[013457@$](?=[^\W\d_])|(?<=[^\W\d_])[!|](?=[^\W\d_])"
)
_LEET_CANDIDATE_RE = re.compile(r"[013457@$!|]")

WORD_RE = re.compile(r"[^\W_]+")


def _lower_keep_length(value: str) -> str:
    lowered = value.lower()
    if len(lowered) == len(value):
        return lowered
    # A few letters lower-case to two characters ("İ" -> "i̇"); keep the first so that the
    # views stay aligned with the offset map.
    return "".join(char.lower()[0] for char in value)


def _leet_replace(match: re.Match[str]) -> str:
    return _LEET[match.group()]


class Prepared:
    """A post in its normalised views, with the map back to the original offsets."""

    __slots__ = (
        "_ends",
        "_prefixes",
        "_spans",
        "_starts",
        "_word_list",
        "folded",
        "original",
        "text",
        "words",
    )

    def __init__(self, original: str) -> None:
        self.original = original
        text, starts, ends = _normalise(original)
        self.text = text
        self._starts = starts
        self._ends = ends
        if not text.isascii() and _HOMOGLYPH_RE.search(text):
            text_latin = text.translate(_HOMOGLYPHS)
        else:
            text_latin = text
        folded = _lower_keep_length(text_latin)
        self.folded = folded
        if _LEET_CANDIDATE_RE.search(folded):
            self.words = _LEET_RE.sub(_leet_replace, folded)
        else:
            self.words = folded
        self._word_list: list[str] | None = None
        self._spans: list[tuple[int, int]] | None = None
        self._prefixes: frozenset[str] | None = None

    @property
    def identity(self) -> bool:
        """True when the normalised offsets are the original offsets."""
        return self._starts is None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map ``[start, end)`` in the normalised views to ``[start, end)`` in the original."""
        starts, ends = self._starts, self._ends
        if starts is None or ends is None:
            return start, end
        if start >= end:
            position = starts[start] if start < len(starts) else len(self.original)
            return position, position
        return starts[start], ends[end - 1]

    def word_list(self) -> list[str]:
        """The words of the ``words`` view."""
        if self._word_list is None:
            self._word_list = WORD_RE.findall(self.words)
        return self._word_list

    def token_spans(self) -> list[tuple[int, int]]:
        """Where each word of :meth:`word_list` is, in normalised offsets."""
        if self._spans is None:
            self._spans = [match.span() for match in WORD_RE.finditer(self.words)]
        return self._spans

    def has_word_starting(self, prefixes: frozenset[str]) -> bool:
        """Whether a word starts with one of ``prefixes`` (see :func:`anchor_prefixes`).

        A cheap gate: detectors whose every pattern contains one of a few words skip their
        regular expressions for the many posts that contain none of them.
        """
        if self._prefixes is None:
            self._prefixes = frozenset(word[:ANCHOR_LENGTH] for word in self.word_list())
        return not prefixes.isdisjoint(self._prefixes)


ANCHOR_LENGTH = 4


def anchor_prefixes(words: str) -> frozenset[str]:
    """The gate set for :meth:`Prepared.has_word_starting`: each word cut to 4 characters
    (a word of 4 or more characters matches every word that starts with it)."""
    return frozenset(word[:ANCHOR_LENGTH] for word in words.split())


def _normalise(original: str) -> tuple[str, list[int] | None, list[int] | None]:
    if original.isascii():
        return original, None, None
    invisible = _INVISIBLE_RE.search(original) is not None
    if not invisible and unicodedata.is_normalized("NFKC", original):
        return original, None, None
    if invisible:
        stripped = _INVISIBLE_RE.sub("", original)
        if unicodedata.is_normalized("NFKC", stripped):
            starts: list[int] = []
            for run in _VISIBLE_RUN_RE.finditer(original):
                starts.extend(range(run.start(), run.end()))
            return stripped, starts, [position + 1 for position in starts]
    return _normalise_slow(original)


def _normalise_slow(original: str) -> tuple[str, list[int], list[int]]:
    """Normalise segment by segment; only segments that change are taken apart."""
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for segment in _SEGMENT_RE.finditer(original):
        value = segment.group()
        offset = segment.start()
        if _INVISIBLE_RE.search(value) is None and unicodedata.is_normalized("NFKC", value):
            pieces.append(value)
            starts.extend(range(offset, offset + len(value)))
            ends.extend(range(offset + 1, offset + len(value) + 1))
            continue
        for cluster, first, last in _clusters(value, offset):
            normalised = _INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", cluster))
            pieces.append(normalised)
            starts.extend([first] * len(normalised))
            ends.extend([last] * len(normalised))
    return "".join(pieces), starts, ends


def _clusters(value: str, offset: int) -> list[tuple[str, int, int]]:
    """Split into base characters with their combining marks, dropping invisible ones.

    NFKC must see a letter together with its marks to compose them ("e" + U+0301 -> "é").
    """
    clusters: list[tuple[str, int, int]] = []
    chars: list[str] = []
    first = last = offset
    for index, char in enumerate(value, start=offset):
        if _INVISIBLE_RE.match(char):
            continue
        if chars and unicodedata.category(char).startswith("M"):
            chars.append(char)
            last = index + 1
            continue
        if chars:
            clusters.append(("".join(chars), first, last))
        chars = [char]
        first, last = index, index + 1
    if chars:
        clusters.append(("".join(chars), first, last))
    return clusters
