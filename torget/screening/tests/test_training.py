"""Training: reproducible, per language, from (text, is_offensive) pairs or an OffensEval file."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from torget.screening.classifier import FeatureSpec, OffensiveModel, load_model, reload_models
from torget.screening.training import TrainingConfig, TrainingError, train_from_examples

SMALL = TrainingConfig(
    specs=(FeatureSpec(bits=14, char_min=2, char_max=4, word_ngrams=1, min_df=1),),
    cs=(1.0, 4.0),
    folds=3,
)


def examples() -> list[tuple[str, bool]]:
    """A small Swedish set: insults are offensive, questions about services are not."""
    insults = ["idiot", "fitta", "jävla pucko", "äckliga svin", "hora", "skitstövel"]
    people = ["du", "kommunalrådet", "grannen", "han där", "hon", "ni alla"]
    services = ["biblioteket", "simhallen", "skolan", "bussen", "återvinningen", "parken"]
    times = ["i morgon", "på lördag", "i sommar", "nästa vecka", "i kväll", "efter jul"]
    rows = []
    for index, (insult, person) in enumerate(
        (insult, person) for insult in insults for person in people
    ):
        rows.append((f"{person} är en {insult}, fy fan", True))
        service = services[index % len(services)]
        when = times[index // len(services)]
        rows.append((f"Har {service} öppet {when}? Tack för svar", False))
        rows.append((f"Vi behöver fler cykelbanor vid {service}", False))
    return rows


def test_the_same_examples_give_the_same_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    first = train_from_examples(examples(), language="sv", config=SMALL)
    second = train_from_examples(examples(), language="sv", config=SMALL)
    assert np.array_equal(first.weights, second.weights)
    assert np.array_equal(first.scale, second.scale)
    assert (first.intercept, first.threshold, first.version) == (
        second.intercept,
        second.threshold,
        second.version,
    )
    assert first.to_json() == second.to_json()
    assert first.metadata["trained_at"] == "2026-01-01"


def test_a_trained_model_separates_its_classes_and_survives_its_file() -> None:
    model = train_from_examples(examples(), language="sv", config=SMALL)
    assert (model.name, model.language) == ("offensive-sv", "sv")
    assert model.probability("du är en jävla idiot") > model.probability("Har skolan öppet?")
    cv = model.metadata["cv"]
    assert cv["folds"] == 3 and 0.5 < cv["macro_f1"] <= 1.0
    assert model.metadata["examples"] == {"total": 108, "offensive": 36}
    loaded = OffensiveModel.from_json(model.to_json())
    for text in ("du är en hora", "Tack för svar"):
        assert loaded.probability(text) == model.probability(text)


def test_training_needs_examples_of_both_kinds() -> None:
    with pytest.raises(TrainingError):
        train_from_examples([("hej", False)] * 10, language="sv", config=SMALL)


def _write_tsv(path: Path, rows: list[tuple[str, bool]]) -> None:
    path.write_text(
        "id\ttweet\tsubtask_a\n"
        + "".join(
            f"{index}\t{text}\t{'OFF' if label else 'NOT'}\n"
            for index, (text, label) in enumerate(rows)
        ),
        encoding="utf-8",
    )


def test_train_command_writes_a_model_the_loader_picks_for_its_language(tmp_path: Path) -> None:
    data = tmp_path / "sv-decisions.tsv"
    _write_tsv(data, examples())
    models = tmp_path / "models"
    out = io.StringIO()
    call_command(
        "screening", "train", "--language", "sv", "--data", str(data),
        "--out", str(models / "offensive-sv.json"), "--folds", "3", "--no-nested", stdout=out,
    )  # fmt: skip
    assert "wrote" in out.getvalue()
    written = OffensiveModel.from_json((models / "offensive-sv.json").read_text("utf-8"))
    assert written.metadata["data_source"]["name"] == "sv-decisions.tsv"
    assert len(written.metadata["data_source"]["sha256"]) == 64
    try:
        with override_settings(SCREENING_MODEL_DIR=models):
            reload_models()
            assert load_model("sv").version == written.version
            assert load_model("sv-SE").version == written.version
            assert load_model("da").name == "offensive-da"  # the shipped Danish model
    finally:
        reload_models()
    assert load_model("sv").name == "offensive-da"


def test_train_command_reports_bad_input(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"no labelled posts|header"):
        bad = tmp_path / "bad.tsv"
        bad.write_text("text,label\nhej,NOT\n", encoding="utf-8")
        call_command("screening", "train", "--language", "sv", "--data", str(bad))
    with pytest.raises(CommandError, match="--data"):
        call_command("screening", "train", "--language", "sv")
