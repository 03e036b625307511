"""Moderators' decisions become training data per language, and retraining writes a model that
screening then uses for that language."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from torget.accounts.models import Organisation, User
from torget.dialogues.models import Dialogue, Post
from torget.moderation.actions import approve_contribution, reject_contribution
from torget.moderation.training_data import decision_examples
from torget.screening.classifier import load_model, reload_models


def _decide(dialogue: Dialogue, contribute: Callable[..., Post], alice: User, n: int) -> None:
    for i in range(n):
        kind = contribute(dialogue, f"Du er en idiot og et fjols nummer {i}", language="sv")
        reject_contribution(contribution=kind, moderator=alice, rule_codes=["RESPECT"])
        calm = contribute(dialogue, f"Jag tycker cykelbanan är bra, förslag {i}", language="sv")
        approve_contribution(contribution=calm, moderator=alice)
    off_topic = contribute(dialogue, "Köp billiga lån här", language="sv")
    reject_contribution(contribution=off_topic, moderator=alice, rule_codes=["COMMERCIAL"])


def test_examples_come_from_tone_rules_and_approvals_only(
    organisation: Organisation,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    alice: User,
) -> None:
    _decide(open_dialogue, contribute, alice, 2)
    examples = list(decision_examples(organisation=organisation, language="sv"))
    assert sorted(label for _text, label in examples) == [False, False, True, True]
    assert all("lån" not in text for text, _label in examples)
    assert list(decision_examples(organisation=organisation, language="da")) == []


def test_too_few_decisions_keep_the_current_model(
    organisation: Organisation,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    alice: User,
    tmp_path: Path,
) -> None:
    _decide(open_dialogue, contribute, alice, 3)
    with override_settings(SCREENING_MODEL_DIR=tmp_path), pytest.raises(CommandError):
        call_command("retrain_screening", language="sv", stdout=StringIO())
    assert not list(tmp_path.iterdir())


def test_retraining_writes_a_swedish_model_that_screening_uses(
    organisation: Organisation,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    alice: User,
    tmp_path: Path,
) -> None:
    _decide(open_dialogue, contribute, alice, 20)
    with override_settings(SCREENING_MODEL_DIR=tmp_path):
        call_command("retrain_screening", language="sv", grid="small", stdout=StringIO())
        assert (tmp_path / "offensive-sv.json").exists()
        model = load_model("sv")
        assert model.language == "sv"
        assert model.probability("Du är en idiot") > model.probability(
            "Jag tycker förslaget är bra"
        )
    reload_models()
