"""`torget retrain_screening --language sv`: retrain the offensive-language classifier from this
authority's own moderation decisions, and write it where screening looks first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from torget.accounts.queries import current_organisation
from torget.moderation.training_data import decision_examples
from torget.screening.classifier import model_path, reload_models

MINIMUM_PER_CLASS = 20


class Command(BaseCommand):
    help = "Retrain the screening classifier for one language from moderation decisions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--language", required=True, choices=["da", "sv", "en"])
        parser.add_argument("--out", type=Path, default=None)
        parser.add_argument(
            "--grid",
            choices=["full", "small"],
            default="full",
            help="full: every feature variant and C, with a nested estimate (minutes); "
            "small: one variant, two C values, no nested estimate (seconds).",
        )

    def handle(
        self, *args: Any, language: str, out: Path | None, grid: str, **options: Any
    ) -> None:
        from torget.screening.training import DEFAULT_SPECS, TrainingConfig, train_from_examples

        organisation = current_organisation()
        if organisation is None:
            raise CommandError("No authority is configured.")
        examples = list(decision_examples(organisation=organisation, language=language))
        offensive = sum(1 for _text, label in examples if label)
        self.stdout.write(
            f"{len(examples)} decided contributions in {language!r}, {offensive} offensive"
        )
        if min(offensive, len(examples) - offensive) < MINIMUM_PER_CLASS:
            raise CommandError(
                f"Too few decisions to train on: need at least {MINIMUM_PER_CLASS} offensive "
                f"and {MINIMUM_PER_CLASS} not offensive; the current model stays in use."
            )
        source = {"name": f"moderation decisions of {organisation.name}"}
        model = train_from_examples(
            examples,
            language=language,
            config=TrainingConfig(source=source)
            if grid == "full"
            else TrainingConfig(
                specs=DEFAULT_SPECS[:1], cs=(1.0, 4.0), folds=3, nested=False, source=source
            ),
        )
        target = out or model_path(language, Path(settings.SCREENING_MODEL_DIR))
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".json.partial")
        partial.write_text(model.to_json(), encoding="utf-8")
        partial.replace(target)  # never leave a half-written model where screening reads it
        reload_models()
        self.stdout.write(self.style.SUCCESS(f"Wrote {target} (version {model.version})"))
