"""Training the offensive-language classifier (needs scikit-learn; never imported at run time).

Everything is deterministic: folds are drawn with a fixed seed, the solver is deterministic,
and the same examples with the same settings give bit-identical weights.

Model selection is by stratified k-fold cross-validation over a small grid (feature variant ×
regularisation strength C); the decision threshold is the one that maximises macro-F1 on
the out-of-fold probabilities. The scores stored with the model come from NESTED
cross-validation: in each outer fold the whole selection (grid and threshold) is redone on the
training part only and the result is scored on the held-out part, so the figures are not
tuned to the data they are measured on.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from torget.screening.classifier import (
    FORMAT,
    FeatureSpec,
    FloatArray,
    IntArray,
    OffensiveModel,
    bucket_counts,
    weights_digest,
)
from torget.screening.dataset import Scores, score
from torget.screening.normalise import Prepared

DKHATE_SOURCE = {
    "name": "DKhate / OffensEval 2020 Danish, training split (offenseval-da-training-v1.tsv)",
    "licence": "CC BY 4.0",
    "credit": (
        "Gudbjartur Ingi Sigurbergsson and Leon Derczynski. 2020. Offensive Language and Hate "
        "Speech Detection for Danish. Proceedings of the 12th Language Resources and "
        "Evaluation Conference (LREC 2020)."
    ),
}

Doc = tuple[IntArray, IntArray]  # distinct buckets of a post and their counts


@dataclass(frozen=True, slots=True)
class Candidate:
    """One point of the selection grid."""

    spec: FeatureSpec
    c: float
    nb_alpha: float

    def as_dict(self) -> dict[str, Any]:
        return {"features": self.spec.as_dict(), "C": self.c, "nb_alpha": self.nb_alpha}


DEFAULT_SPECS = (
    FeatureSpec(bits=18, char_min=2, char_max=5, word_ngrams=2, min_df=2),
    FeatureSpec(bits=18, char_min=1, char_max=4, word_ngrams=1, min_df=2),
)
DEFAULT_CS = (0.5, 1.0, 2.0, 4.0, 8.0)


@dataclass(frozen=True, slots=True)
class TrainingConfig:
    specs: tuple[FeatureSpec, ...] = DEFAULT_SPECS
    cs: tuple[float, ...] = DEFAULT_CS
    nb_alphas: tuple[float, ...] = (1.0,)
    folds: int = 5
    seed: int = 0
    nested: bool = True
    source: dict[str, str] = field(default_factory=dict)

    def candidates(self) -> list[Candidate]:
        return [
            Candidate(spec, c, alpha)
            for spec in self.specs
            for c in self.cs
            for alpha in self.nb_alphas
        ]


class TrainingError(ValueError):
    pass


# --- features --------------------------------------------------------------------------------


def extract(texts: Sequence[str], spec: FeatureSpec) -> list[Doc]:
    return [bucket_counts(Prepared(text).words, spec) for text in texts]


def fit_scale(
    docs: Sequence[Doc], labels: npt.NDArray[np.bool_], spec: FeatureSpec, alpha: float
) -> FloatArray:
    """Per-bucket feature scale: smoothed idf times the absolute log-count ratio between the
    classes (Wang & Manning 2012, "NBSVM"), so buckets that separate the classes weigh more
    before the linear model sees them. 0 for buckets in fewer than ``min_df`` posts."""
    df = np.zeros(spec.buckets, dtype=np.int64)
    df_offensive = np.zeros(spec.buckets, dtype=np.int64)
    for (buckets, _), label in zip(docs, labels, strict=True):
        df[buckets] += 1
        if label:
            df_offensive[buckets] += 1
    n = len(docs)
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    offensive = df_offensive + alpha
    inoffensive = df - df_offensive + alpha
    ratio = np.log((offensive / offensive.sum()) / (inoffensive / inoffensive.sum()))
    scale: FloatArray = (idf * np.abs(ratio)).astype(np.float32)
    scale[df < spec.min_df] = 0.0
    return scale


def to_matrix(docs: Sequence[Doc], scale: FloatArray) -> sparse.csr_matrix:
    """Feature rows exactly as :class:`OffensiveModel` computes them:
    ``count * scale / sqrt(sum(count * scale**2))``."""
    indptr = [0]
    indices: list[IntArray] = []
    data: list[npt.NDArray[np.float64]] = []
    scale64 = scale.astype(np.float64)
    for buckets, counts in docs:
        factors = scale64[buckets]
        keep = factors != 0
        factors, kept, kept_counts = factors[keep], buckets[keep], counts[keep]
        values = kept_counts * factors
        squared = float(np.dot(kept_counts, factors * factors))
        if squared > 0:
            values = values / np.sqrt(squared)
        indices.append(kept)
        data.append(values)
        indptr.append(indptr[-1] + len(kept))
    return sparse.csr_matrix(
        (
            np.concatenate(data) if data else np.zeros(0, dtype=np.float64),
            np.concatenate(indices) if indices else np.zeros(0, dtype=np.intp),
            np.array(indptr, dtype=np.int64),
        ),
        shape=(len(docs), len(scale)),
        dtype=np.float64,
    )


# --- fitting and selection -------------------------------------------------------------------


def _fit(
    docs: Sequence[Doc], labels: npt.NDArray[np.bool_], candidate: Candidate, seed: int
) -> tuple[FloatArray, FloatArray, float]:
    scale = fit_scale(docs, labels, candidate.spec, candidate.nb_alpha)
    model = LogisticRegression(
        C=candidate.c,
        solver="liblinear",
        intercept_scaling=10.0,
        max_iter=1000,
        random_state=seed,
    )
    model.fit(to_matrix(docs, scale), labels)
    weights = model.coef_[0].astype(np.float32)
    return weights, scale, float(model.intercept_[0])


def _probabilities(
    docs: Sequence[Doc], weights: FloatArray, scale: FloatArray, intercept: float
) -> npt.NDArray[np.float64]:
    matrix = to_matrix(docs, scale)
    logits = matrix @ weights.astype(np.float64) + intercept
    result: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-logits))
    return result


THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.01), 2)


def best_threshold(
    labels: npt.NDArray[np.bool_], probabilities: npt.NDArray[np.float64]
) -> tuple[float, float]:
    """The threshold (on a 0.01 grid) with the highest macro-F1, and that macro-F1."""
    best = (0.5, -1.0)
    for threshold in THRESHOLDS:
        macro = score(labels.tolist(), (probabilities >= threshold).tolist()).macro_f1
        if macro > best[1] + 1e-12:
            best = (float(threshold), macro)
    return best


def _folds(labels: npt.NDArray[np.bool_], folds: int, seed: int) -> list[tuple[Any, Any]]:
    positives = int(labels.sum())
    usable = min(folds, positives, len(labels) - positives)
    if usable < 2:
        raise TrainingError(
            "need at least two offensive and two inoffensive examples to cross-validate"
        )
    splitter = StratifiedKFold(n_splits=usable, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(labels)), labels))


@dataclass(frozen=True, slots=True)
class Selection:
    candidate: Candidate
    threshold: float
    cv_macro_f1: float
    grid: list[dict[str, Any]]


def select(
    texts: Sequence[str],
    labels: npt.NDArray[np.bool_],
    config: TrainingConfig,
    features: dict[FeatureSpec, list[Doc]] | None = None,
) -> Selection:
    """Pick the candidate and threshold with the best out-of-fold macro-F1."""
    features = features if features is not None else {}
    splits = _folds(labels, config.folds, config.seed)
    best: Selection | None = None
    grid = []
    for candidate in config.candidates():
        if candidate.spec not in features:
            features[candidate.spec] = extract(texts, candidate.spec)
        docs = features[candidate.spec]
        out_of_fold = np.zeros(len(labels), dtype=np.float64)
        for train, test in splits:
            weights, scale, intercept = _fit(
                [docs[i] for i in train], labels[train], candidate, config.seed
            )
            out_of_fold[test] = _probabilities([docs[i] for i in test], weights, scale, intercept)
        threshold, macro = best_threshold(labels, out_of_fold)
        grid.append({**candidate.as_dict(), "threshold": threshold, "macro_f1": round(macro, 4)})
        if best is None or macro > best.cv_macro_f1 + 1e-12:
            best = Selection(candidate, threshold, macro, grid)
    assert best is not None
    return replace(best, grid=grid)


def nested_scores(
    texts: Sequence[str],
    labels: npt.NDArray[np.bool_],
    config: TrainingConfig,
    features: dict[FeatureSpec, list[Doc]],
) -> dict[str, Any]:
    """Honest estimate: selection redone inside each outer training part."""
    per_fold: list[Scores] = []
    # A different seed for the outer split, so inner and outer folds are not aligned.
    for train, test in _folds(labels, config.folds, config.seed + 1):
        inner_features = {spec: [docs[i] for i in train] for spec, docs in features.items()}
        chosen = select([texts[i] for i in train], labels[train], config, features=inner_features)
        docs = features[chosen.candidate.spec]
        weights, scale, intercept = _fit(
            [docs[i] for i in train], labels[train], chosen.candidate, config.seed
        )
        probabilities = _probabilities([docs[i] for i in test], weights, scale, intercept)
        per_fold.append(score(labels[test].tolist(), (probabilities >= chosen.threshold).tolist()))
    return _summary(per_fold, nested=True)


def _summary(per_fold: list[Scores], *, nested: bool) -> dict[str, Any]:
    def mean_std(values: list[float]) -> tuple[float, float]:
        array = np.array(values)
        return round(float(array.mean()), 4), round(float(array.std()), 4)

    macro, macro_std = mean_std([fold.macro_f1 for fold in per_fold])
    precision, precision_std = mean_std([fold.precision for fold in per_fold])
    recall, recall_std = mean_std([fold.recall for fold in per_fold])
    return {
        "method": (
            "nested stratified k-fold (selection and threshold redone in each outer fold)"
            if nested
            else "stratified k-fold, out-of-fold at the selected threshold (optimistic)"
        ),
        "folds": len(per_fold),
        "macro_f1": macro,
        "macro_f1_std": macro_std,
        "precision": precision,
        "precision_std": precision_std,
        "recall": recall,
        "recall_std": recall_std,
        "per_fold": [fold.as_dict() for fold in per_fold],
    }


def train_from_examples(
    examples: Iterable[tuple[str, bool]],
    *,
    language: str,
    config: TrainingConfig | None = None,
) -> OffensiveModel:
    """Train a model from ``(text, is_offensive)`` pairs, e.g. an authority's own moderation
    decisions in one language. Pure: reads and writes nothing."""
    config = config or TrainingConfig()
    pairs = list(examples)
    texts = [text for text, _ in pairs]
    labels = np.array([bool(label) for _, label in pairs], dtype=np.bool_)
    features: dict[FeatureSpec, list[Doc]] = {}
    chosen = select(texts, labels, config, features=features)
    docs = features[chosen.candidate.spec]
    weights, scale, intercept = _fit(docs, labels, chosen.candidate, config.seed)
    spec = chosen.candidate.spec
    # Buckets that are not features carry no weight; keeping them at exactly 0 keeps files small.
    weights[scale == 0] = 0.0
    cv = nested_scores(texts, labels, config, features) if config.nested else {"method": "not run"}
    version = weights_digest(spec, weights, scale, intercept)
    metadata: dict[str, Any] = {
        "trained_at": _training_date(),
        "data_source": config.source or {"name": "examples given to train_from_examples"},
        "examples": {"total": len(pairs), "offensive": int(labels.sum())},
        "hyperparameters": {
            **chosen.candidate.as_dict(),
            "solver": "liblinear",
            "intercept_scaling": 10.0,
            "features_kept": int(np.count_nonzero(scale)),
        },
        "selection": {
            "method": f"stratified {config.folds}-fold CV, seed {config.seed}, "
            "threshold maximising out-of-fold macro-F1",
            "cv_macro_f1_at_selection": round(chosen.cv_macro_f1, 4),
            "grid": chosen.grid,
        },
        "cv": cv,
        "training_data_sha256": _examples_digest(pairs),
        "format": FORMAT,
    }
    return OffensiveModel(
        name=f"offensive-{language}",
        language=language,
        version=version,
        threshold=chosen.threshold,
        spec=spec,
        weights=weights,
        scale=scale,
        intercept=intercept,
        metadata=metadata,
    )


def _training_date() -> str:
    """Today (UTC), or SOURCE_DATE_EPOCH for byte-identical rebuilds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.date().isoformat()


def _examples_digest(pairs: Sequence[tuple[str, bool]]) -> str:
    digest = hashlib.sha256()
    for text, label in pairs:
        digest.update(text.encode("utf-8", "surrogatepass"))
        digest.update(b"\t1\n" if label else b"\t0\n")
    return digest.hexdigest()
