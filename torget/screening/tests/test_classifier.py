"""The shipped offensive-language model: what it is, where it comes from, how it behaves."""

from __future__ import annotations

import io
import json
from pathlib import Path

from django.core.management import call_command

from torget.screening.classifier import DATA_DIR, OffensiveModel, load_model, model_path
from torget.screening.dataset import read_offenseval_tsv, score
from torget.screening.normalise import Prepared

OFFENSIVE = [
    "Du er en klam idiot og et svin",
    "Hold din kæft, din fucking luder",
    "Sikke en flok lorte aber",
    "Han er sgu da et kæmpe røvhul",
]
NEUTRAL = [
    "Tak for et godt borgermøde i aftes",
    "Hvornår åbner den nye svømmehal?",
    "Jeg synes kommunen skal bygge flere cykelstier",
    "Kan man få hjælp til ansøgningen på biblioteket?",
]


def test_the_danish_model_ships_with_its_provenance_and_scores() -> None:
    path = model_path("da")
    raw = path.read_bytes()
    assert len(raw) < 5 * 1024 * 1024
    document = json.loads(raw)  # plain JSON: no pickle anywhere
    model = load_model("da")
    assert (model.name, model.language) == ("offensive-da", "da")
    assert document["version"] == model.version
    source = model.metadata["data_source"]
    assert "Sigurbergsson" in source["credit"] and "Derczynski" in source["credit"]
    assert "LREC 2020" in source["credit"]
    assert source["licence"] == "CC BY 4.0"
    cv = model.metadata["cv"]
    for key in ("macro_f1", "precision", "recall"):
        assert 0.0 < cv[key] < 1.0
    assert cv["folds"] >= 5
    assert 0.0 < model.threshold < 1.0
    assert model.metadata["trained_at"]
    assert model.metadata["hyperparameters"]["C"] > 0


def test_loading_is_deterministic() -> None:
    model = load_model("da")
    again = OffensiveModel.from_json(model_path("da").read_text(encoding="utf-8"))
    for text in OFFENSIVE + NEUTRAL:
        assert model.probability(text) == again.probability(text)
    round_trip = OffensiveModel.from_json(model.to_json())
    assert round_trip.version == model.version
    assert round_trip.probability(OFFENSIVE[0]) == model.probability(OFFENSIVE[0])


def test_clearly_offensive_danish_scores_higher_than_neutral_danish() -> None:
    model = load_model("da")
    offensive = [model.probability(text) for text in OFFENSIVE]
    neutral = [model.probability(text) for text in NEUTRAL]
    assert min(offensive) > max(neutral)
    assert sum(p >= model.threshold for p in offensive) >= 3
    assert not any(p >= model.threshold for p in neutral)


def test_spelling_tricks_score_like_the_plain_word() -> None:
    model = load_model("da")
    plain = model.probability("Du er en idiot")
    assert model.probability("Du er en 1d10t") == plain
    assert model.probability("Du er en іdіоt") == plain  # Cyrillic і and о
    assert model.probability("Du er en id\u200biot") == plain


def test_the_evidence_is_a_word_of_the_post() -> None:
    model = load_model("da")
    for text in (
        "Ærligt talt, hold din kæft din fucking luder",
        "Ærligt   talt,\n\n  hold din\tkæft   din\u200b fucking   luder 2024",
    ):
        prepared = Prepared(text)
        probability, evidence = model.predict(prepared)
        assert probability >= model.threshold
        assert evidence is not None
        start, end = prepared.span(*evidence)
        assert text[start:end] in {"kæft", "fucking", "luder"}


def test_languages_without_their_own_model_use_the_danish_one() -> None:
    assert load_model("sv").name == "offensive-da"
    assert load_model(None).name == "offensive-da"
    assert load_model("en-GB") is load_model("da")


def test_evaluate_prints_the_scores_of_the_model_on_a_file(tmp_path: Path) -> None:
    rows = [(text, True) for text in OFFENSIVE] + [(text, False) for text in NEUTRAL]
    data = tmp_path / "held-out.tsv"
    data.write_text(
        "id\ttweet\tsubtask_a\n"
        + "".join(
            f"{index}\t{text}\t{'OFF' if label else 'NOT'}\n"
            for index, (text, label) in enumerate(rows)
        ),
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("screening", "evaluate", "--data", str(data), stdout=out)
    model = load_model("da")
    expected = score(
        [label for _, label in rows],
        [model.probability(text) >= model.threshold for text, _ in rows],
    )
    lines = out.getvalue().splitlines()
    assert f"precision {expected.precision:.4f}" in lines
    assert f"recall {expected.recall:.4f}" in lines
    assert f"macro-F1 {expected.macro_f1:.4f}" in lines
    assert "posts 8 (offensive 4)" in lines
    assert read_offenseval_tsv(data).examples == rows


def test_info_describes_the_model() -> None:
    out = io.StringIO()
    call_command("screening", "info", stdout=out)
    model = load_model("da")
    assert f"version {model.version}" in out.getvalue()
    assert str(model.metadata["cv"]["macro_f1"]) in out.getvalue()


def test_the_package_ships_models_as_json_only() -> None:
    files = list(DATA_DIR.iterdir())
    assert files
    assert all(path.suffix == ".json" for path in files)
