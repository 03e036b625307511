"""The offensive-language classifier at run time: hashed n-gram features and a linear model,
in numpy only (scikit-learn is used for training and never imported here).

Features (the same function is used for training and inference, so they cannot drift apart):

* the post's ``words`` view (NFKC, invisible characters removed, look-alike letters and
  in-word leet digits folded, lower case) with remaining digits written as ``0``, every run
  of whitespace as one space, padded with a space at each end;
* character n-grams (2–5 by default) and word uni- and bigrams, each hashed with a
  position-independent polynomial hash (computed for all n-grams at once from prefix sums)
  into one of 2^bits buckets;
* n-gram counts times a per-bucket scale learnt in training (idf times the absolute
  log-count ratio between offensive and other posts, as in NBSVM), divided by
  sqrt(sum(count * scale²)); buckets seen in fewer than ``min_df`` training posts are dropped
  (scale 0).

The probability is the logistic function of the linear score; a post is flagged when it
reaches the model's cross-validated threshold. Model files are JSON with the arrays in base64
(no pickle), see :func:`OffensiveModel.to_json`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from torget.screening.normalise import Prepared

FORMAT = "torget-screening-offensive/1"
DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_LANGUAGE = "da"
# Long posts are scored in chunks of about this many characters; the post's probability is
# the highest chunk's, so one offensive paragraph in a long text is not averaged away.
CHUNK = 4000

_MASK64 = (1 << 64) - 1
_P = 0x100000001B3  # odd, so it has an inverse modulo 2**64
_R = pow(_P, -1, 1 << 64)
_WORD_SALT = 0x9E3779B97F4A7C15
_BIGRAM_SALT = 0xC2B2AE3D27D4EB4F
_BIGRAM_MULTIPLIER = 0x165667B19E3779F9
_MIX = 0xFF51AFD7ED558CCD
_DIGIT_RE = re.compile("[1-9]")
_SPACE_RUN_RE = re.compile(r"\s{2,}|[^\S ]")
# Word characters for word n-grams: letters and digits below U+3000 (str.isalnum), looked up
# in a table so that word boundaries come out of numpy with the rest of the features.
_WORD_TABLE_SIZE = 0x3000
_WORD_TABLE = np.array([chr(code).isalnum() for code in range(_WORD_TABLE_SIZE)], dtype=np.int8)

UInt64Array = npt.NDArray[np.uint64]
IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    bits: int = 18
    char_min: int = 2
    char_max: int = 5
    word_ngrams: int = 2
    min_df: int = 2

    @property
    def buckets(self) -> int:
        return 1 << self.bits

    def as_dict(self) -> dict[str, int]:
        return {
            "bits": self.bits,
            "char_min": self.char_min,
            "char_max": self.char_max,
            "word_ngrams": self.word_ngrams,
            "min_df": self.min_df,
        }


def _powers(base: int, count: int) -> UInt64Array:
    values = [1] * count
    for index in range(1, count):
        values[index] = values[index - 1] * base & _MASK64
    return np.array(values, dtype=np.uint64)


# P**k * _MIX and P**-k modulo 2**64, for k below the longest text seen so far.
_power_tables: list[UInt64Array] = [
    _powers(_P, CHUNK + 64) * np.uint64(_MIX),
    _powers(_R, CHUNK + 64),
]


def _power_table(length: int) -> tuple[UInt64Array, UInt64Array]:
    """The power tables, grown by doubling when a text is longer than any before."""
    p_powers, r_powers = _power_tables
    while len(p_powers) < length:
        size = len(p_powers)
        p_powers = np.concatenate([p_powers, p_powers * pow(_P, size, 1 << 64)])
        r_powers = np.concatenate([r_powers, r_powers * pow(_R, size, 1 << 64)])
        _power_tables[:] = [p_powers, r_powers]
    return p_powers, r_powers


def feature_text(words_view: str) -> str:
    """What the n-grams are taken from: digits written as 0, every run of whitespace as one
    space (a post's layout says nothing about its tone), a space at each end."""
    if _DIGIT_RE.search(words_view):
        words_view = _DIGIT_RE.sub("0", words_view)
    padded = " " + words_view + " "
    if _SPACE_RUN_RE.search(padded):
        padded = _SPACE_RUN_RE.sub(" ", padded)
    return padded


def _split_chunks(text: str) -> list[tuple[int, str]]:
    """Pieces of at most CHUNK characters, cut at whitespace where possible."""
    if len(text) <= CHUNK:
        return [(0, text)]
    chunks = []
    start = 0
    while start < len(text):
        end = min(len(text), start + CHUNK)
        if end < len(text):
            cut = text.rfind(" ", start + CHUNK // 2, end)
            if cut > start:
                end = cut
        chunks.append((start, text[start:end]))
        start = end
    return chunks


class _Features(NamedTuple):
    buckets: IntArray  # the bucket of every n-gram occurrence, char n-grams first, then words
    length: int  # of the feature text
    starts: IntArray  # where its words start and end, in feature-text offsets
    ends: IntArray


def _features(words_view: str, spec: FeatureSpec) -> _Features:
    padded = feature_text(words_view)
    length = len(padded)
    p_powers, r_powers = _power_table(length + 1)
    codes = np.frombuffer(padded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    # prefix[i] = sum(code[j] * R**j for j < i); the hash of padded[a:b] is
    # (prefix[b] - prefix[a]) * P**a * _MIX: the same wherever the n-gram occurs.
    prefix = np.empty(length + 1, dtype=np.uint64)
    prefix[0] = 0
    np.cumsum(codes * r_powers[:length], out=prefix[1:])
    parts = [
        (prefix[n:] - prefix[: length + 1 - n]) * p_powers[: length + 1 - n]
        for n in range(spec.char_min, min(spec.char_max, length) + 1)
    ]
    starts = ends = _EMPTY
    if spec.word_ngrams >= 1:
        is_word = _WORD_TABLE[np.minimum(codes, _WORD_TABLE_SIZE - 1)]
        # The text is padded with spaces, so word boundaries alternate start, end, start, …
        boundaries = (is_word[1:] != is_word[:-1]).nonzero()[0] + 1
        if len(boundaries):
            starts, ends = boundaries[0::2], boundaries[1::2]
            words = (prefix[ends] - prefix[starts]) * p_powers[starts]
            parts.append(words + _WORD_SALT)
            if spec.word_ngrams >= 2 and len(starts) > 1:
                parts.append(words[:-1] * _BIGRAM_MULTIPLIER + words[1:] + _BIGRAM_SALT)
    if not parts:
        return _Features(_EMPTY, length, starts, ends)
    hashes = np.concatenate(parts) if len(parts) > 1 else parts[0]
    # p_powers already carry the odd multiplier _MIX (multiplicative hashing): the top bits
    # of the product pick the bucket.
    return _Features((hashes >> (64 - spec.bits)).astype(np.intp), length, starts, ends)


_EMPTY = np.zeros(0, dtype=np.intp)


def _positions(features: _Features, spec: FeatureSpec) -> IntArray:
    """For each entry of ``features.buckets``: the feature-text offset it belongs to (an
    n-gram's middle character, a word's or word pair's start), in the same order."""
    length, starts = features.length, features.starts
    positions = [
        np.arange(n // 2, length - n + 1 + n // 2, dtype=np.intp)
        for n in range(spec.char_min, min(spec.char_max, length) + 1)
    ]
    if spec.word_ngrams >= 1 and len(starts):
        positions.append(starts)
        if spec.word_ngrams >= 2 and len(starts) > 1:
            positions.append(starts[1:])
    return np.concatenate(positions) if positions else _EMPTY


def _view_offset(words_view: str, position: int) -> int:
    """Map a feature-text offset that is not inside whitespace back to ``words_view``."""
    removed = 0
    for run in _SPACE_RUN_RE.finditer(" " + words_view + " "):
        if run.start() - removed >= position:
            break
        removed += run.end() - run.start() - 1
    return position + removed - 1


def hashed_ngrams(words_view: str, spec: FeatureSpec) -> IntArray:
    """The bucket of every n-gram occurrence in ``words_view`` (repeats included)."""
    return _features(words_view, spec).buckets


def bucket_counts(words_view: str, spec: FeatureSpec) -> tuple[IntArray, IntArray]:
    """Distinct buckets of one post and how often each occurs (for training)."""
    unique, counts = np.unique(hashed_ngrams(words_view, spec), return_counts=True)
    return unique.astype(np.intp), counts.astype(np.intp)


@dataclass(frozen=True, eq=False)
class OffensiveModel:
    """A trained linear model over hashed n-grams. Load with :func:`load_model`.

    A post's feature values are ``count * scale[bucket] / Z`` with
    ``Z = sqrt(sum(count * scale[bucket] ** 2))``, so its score needs only two look-ups per
    n-gram occurrence and no sorting: ``sum(weights * scale) / sqrt(sum(scale ** 2))``.
    """

    name: str
    language: str
    version: str
    threshold: float
    spec: FeatureSpec
    weights: FloatArray  # one per bucket
    scale: FloatArray  # one per bucket; 0 where the bucket is not a feature
    intercept: float
    metadata: dict[str, Any] = field(default_factory=dict)
    _weighted: npt.NDArray[np.float64] = field(init=False, repr=False)  # weight * scale
    _squared: npt.NDArray[np.float64] = field(init=False, repr=False)  # scale ** 2

    def __post_init__(self) -> None:
        scale = self.scale.astype(np.float64)
        object.__setattr__(self, "_weighted", self.weights.astype(np.float64) * scale)
        object.__setattr__(self, "_squared", scale * scale)

    def _logit(self, buckets: IntArray) -> float:
        squared = float(self._squared[buckets].sum())
        if squared == 0.0:
            return self.intercept
        return float(self._weighted[buckets].sum()) / math.sqrt(squared) + self.intercept

    def logit(self, words_view: str) -> float:
        return self._logit(hashed_ngrams(words_view, self.spec))

    def predict(self, prepared: Prepared) -> tuple[float, tuple[int, int] | None]:
        """Probability that the post is offensive, and the word that weighs most towards it
        (in normalised offsets) when the post reaches the threshold."""
        best_logit, best = -math.inf, None
        for offset, chunk in _split_chunks(prepared.words):
            features = _features(chunk, self.spec)
            logit = self._logit(features.buckets)
            if logit > best_logit:
                best_logit, best = logit, (offset, chunk, features)
        assert best is not None
        probability = _sigmoid(best_logit)
        if probability < self.threshold:
            return probability, None
        offset, chunk, features = best
        span = self._evidence(chunk, features)
        if span is None:
            return probability, None
        return probability, (span[0] + offset, span[1] + offset)

    def probability(self, text: str) -> float:
        return self.predict(Prepared(text))[0]

    def _evidence(self, words_view: str, features: _Features) -> tuple[int, int] | None:
        """The word whose n-grams add most to the score, in ``words_view`` offsets."""
        starts, ends = features.starts, features.ends
        if not len(starts) or not len(features.buckets):
            return None
        positions = _positions(features, self.spec)
        token = np.searchsorted(starts, positions, side="right") - 1
        inside = (token >= 0) & (positions < ends[np.maximum(token, 0)])
        contributions = self._weighted[features.buckets]
        totals = np.bincount(token[inside], weights=contributions[inside], minlength=len(starts))
        best = int(np.argmax(totals))
        if totals[best] <= 0:
            return None
        start = _view_offset(words_view, int(starts[best]))
        return start, start + int(ends[best] - starts[best])

    # --- file format -------------------------------------------------------------------------

    def to_json(self) -> str:
        used = np.flatnonzero(self.scale).astype(np.uint32)
        document = {
            "format": FORMAT,
            "name": self.name,
            "language": self.language,
            "version": self.version,
            "threshold": self.threshold,
            "features": self.spec.as_dict(),
            "intercept": self.intercept,
            **{key: value for key, value in self.metadata.items() if key not in _OWN_KEYS},
            "arrays": {
                "encoding": "base64 of little-endian arrays; weights and scale are given for "
                "the buckets listed in 'buckets', every other bucket is unused",
                "buckets": _encode(used.astype("<u4")),
                "weights": _encode(self.weights[used].astype("<f4")),
                "scale": _encode(self.scale[used].astype("<f4")),
            },
        }
        return json.dumps(document, indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, raw: str) -> OffensiveModel:
        document = json.loads(raw)
        if document.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} model file")
        spec = FeatureSpec(**document["features"])
        arrays = document["arrays"]
        used = _decode(arrays["buckets"], "<u4").astype(np.intp)
        weights = np.zeros(spec.buckets, dtype=np.float32)
        scale = np.zeros(spec.buckets, dtype=np.float32)
        weights[used] = _decode(arrays["weights"], "<f4")
        scale[used] = _decode(arrays["scale"], "<f4")
        metadata = {key: value for key, value in document.items() if key not in _OWN_KEYS}
        return cls(
            name=document["name"],
            language=document["language"],
            version=document["version"],
            threshold=float(document["threshold"]),
            spec=spec,
            weights=weights,
            scale=scale,
            intercept=float(document["intercept"]),
            metadata=metadata,
        )


_OWN_KEYS = frozenset(
    {"format", "name", "language", "version", "threshold", "features", "intercept", "arrays"}
)


def weights_digest(
    spec: FeatureSpec, weights: FloatArray, scale: FloatArray, intercept: float
) -> str:
    """A short fingerprint of everything that decides a score: the model's version."""
    digest = hashlib.sha256(json.dumps(spec.as_dict(), sort_keys=True).encode())
    digest.update(np.ascontiguousarray(weights, dtype="<f4").tobytes())
    digest.update(np.ascontiguousarray(scale, dtype="<f4").tobytes())
    digest.update(np.float64(intercept).tobytes())
    return digest.hexdigest()[:12]


def _encode(array: npt.NDArray[Any]) -> str:
    return base64.b64encode(array.tobytes()).decode("ascii")


def _decode(value: str, dtype: str) -> npt.NDArray[Any]:
    return np.frombuffer(base64.b64decode(value), dtype=dtype)


def _sigmoid(logit: float) -> float:
    if logit >= 0:
        return 1.0 / (1.0 + math.exp(-logit))
    exp = math.exp(logit)
    return exp / (1.0 + exp)


# --- finding the model for a language ------------------------------------------------------------


class ModelNotFound(RuntimeError):
    pass


def model_path(language: str, directory: Path | None = None) -> Path:
    return (directory or DATA_DIR) / f"offensive-{language}.json"


def _model_dirs() -> list[Path]:
    """Where models are looked for: the ``SCREENING_MODEL_DIR`` setting (an authority's own
    retrained models), then the models shipped in the package."""
    directories = []
    from django.conf import settings

    if settings.configured:
        configured = getattr(settings, "SCREENING_MODEL_DIR", None)
        if configured:
            directories.append(Path(configured))
    directories.append(DATA_DIR)
    return directories


def normalise_language(language: str | None) -> str:
    if not language:
        return DEFAULT_LANGUAGE
    return language.strip().lower().replace("_", "-").split("-", 1)[0] or DEFAULT_LANGUAGE


@lru_cache(maxsize=64)
def load_model(language: str | None = None) -> OffensiveModel:
    """The model for ``language`` ("sv", "sv-SE", …) when one exists, else the Danish one.

    Loaded once per file: every language that falls back to the Danish model shares it.
    """
    wanted = normalise_language(language)
    for candidate in dict.fromkeys((wanted, DEFAULT_LANGUAGE)):
        for directory in _model_dirs():
            path = model_path(candidate, directory)
            if path.is_file():
                return _load_file(path.resolve())
    raise ModelNotFound(
        f"no offensive-language model for {wanted!r} or {DEFAULT_LANGUAGE!r}; "
        "train one with `torget screening train`"
    )


@lru_cache(maxsize=16)
def _load_file(path: Path) -> OffensiveModel:
    return OffensiveModel.from_json(path.read_text(encoding="utf-8"))


def reload_models() -> None:
    """Forget loaded models, e.g. after retraining."""
    load_model.cache_clear()
    _load_file.cache_clear()
