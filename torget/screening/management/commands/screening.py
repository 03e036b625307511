"""``torget screening train|evaluate|info``: the offensive-language model's life cycle."""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from torget.screening.classifier import (
    DEFAULT_LANGUAGE,
    OffensiveModel,
    load_model,
    model_path,
    normalise_language,
    reload_models,
)
from torget.screening.dataset import DatasetError, LabelledPosts, read_offenseval_tsv, score
from torget.screening.normalise import Prepared

DKHATE_FILE = "offenseval-da-training-v1.tsv"


def default_training_file() -> Path:
    """DKhate as laid out beside the repository (``../shared/data/dkhate/``)."""
    return Path(settings.BASE_DIR).parent / "shared" / "data" / "dkhate" / DKHATE_FILE


class Command(BaseCommand):
    help = "Train, evaluate or describe the offensive-language classifier."
    requires_system_checks: list[str] = []  # needs no database and no other app

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        train = commands.add_parser(
            "train",
            help="train a model from an OffensEval-format TSV file (default: DKhate, Danish)",
            formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        )
        train.add_argument("--language", default=DEFAULT_LANGUAGE, help="language code, e.g. sv")
        train.add_argument(
            "--data",
            type=Path,
            help="id<TAB>tweet<TAB>subtask_a file with OFF/NOT labels "
            f"(default for da: ../shared/data/dkhate/{DKHATE_FILE})",
        )
        train.add_argument(
            "--out",
            type=Path,
            help="model file to write (default: the shipped torget/screening/data/"
            "offensive-LANGUAGE.json)",
        )
        train.add_argument("--folds", type=int, default=5, help="cross-validation folds")
        train.add_argument("--seed", type=int, default=0, help="seed for the folds")
        train.add_argument(
            "--no-nested",
            action="store_true",
            help="skip the nested cross-validation estimate (faster; no honest scores)",
        )
        evaluate = commands.add_parser(
            "evaluate", help="precision, recall and macro-F1 on a held-out OffensEval TSV file"
        )
        evaluate.add_argument("--data", type=Path, required=True)
        evaluate.add_argument("--language", default=None, help="which model to use")
        evaluate.add_argument(
            "--model", type=Path, help="a model file instead of the installed one"
        )
        info = commands.add_parser("info", help="describe the model for a language")
        info.add_argument("--language", default=None)
        info.add_argument("--model", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "train":
            self.train(options)
        elif action == "evaluate":
            self.evaluate(options)
        else:
            self.info(options)

    # --- train -------------------------------------------------------------------------------

    def train(self, options: dict[str, Any]) -> None:
        # scikit-learn is a development dependency: import it only when training.
        from torget.screening.training import DKHATE_SOURCE, TrainingConfig, train_from_examples

        language = normalise_language(options["language"])
        data: Path | None = options["data"]
        if data is None:
            if language != DEFAULT_LANGUAGE:
                raise CommandError(f"give --data FILE.tsv with {language} examples")
            data = default_training_file()
        posts = self._read(data)
        if options["folds"] < 2:
            raise CommandError("--folds must be at least 2")
        source = dict(DKHATE_SOURCE) if data.name == DKHATE_FILE else {"name": data.name}
        source["sha256"] = hashlib.sha256(data.read_bytes()).hexdigest()
        config = TrainingConfig(
            folds=options["folds"],
            seed=options["seed"],
            nested=not options["no_nested"],
            source=source,
        )
        self.stdout.write(
            f"training {language} on {len(posts.examples)} posts "
            f"({sum(label for _, label in posts.examples)} offensive) from {data}"
        )
        try:
            model = train_from_examples(posts.examples, language=language, config=config)
        except ValueError as error:
            raise CommandError(str(error)) from None
        out: Path = options["out"] or model_path(language)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(model.to_json(), encoding="utf-8")
        reload_models()
        hyper = model.metadata["hyperparameters"]
        self.stdout.write(
            f"selected {hyper['features']} C={hyper['C']} threshold={model.threshold}"
        )
        cv = model.metadata["cv"]
        if "macro_f1" in cv:
            self.stdout.write(
                f"nested {cv['folds']}-fold CV: macro-F1 {cv['macro_f1']:.4f} "
                f"(±{cv['macro_f1_std']:.4f}), precision {cv['precision']:.4f}, "
                f"recall {cv['recall']:.4f}"
            )
        self.stdout.write(
            f"wrote {out} ({out.stat().st_size // 1024} KiB, version {model.version})"
        )

    # --- evaluate ----------------------------------------------------------------------------

    def evaluate(self, options: dict[str, Any]) -> None:
        model = self._model(options)
        posts = self._read(options["data"])
        truth = [label for _, label in posts.examples]
        predicted = [
            model.predict(Prepared(text))[0] >= model.threshold for text, _ in posts.examples
        ]
        result = score(truth, predicted)
        self.stdout.write(
            f"model {model.name} version {model.version} threshold {model.threshold}\n"
            f"posts {result.support} (offensive {result.positives})\n"
            f"precision {result.precision:.4f}\n"
            f"recall {result.recall:.4f}\n"
            f"macro-F1 {result.macro_f1:.4f}"
        )

    # --- info --------------------------------------------------------------------------------

    def info(self, options: dict[str, Any]) -> None:
        model = self._model(options)
        cv = model.metadata.get("cv", {})
        self.stdout.write(
            f"model {model.name} version {model.version} language {model.language}\n"
            f"trained {model.metadata.get('trained_at', '?')} on "
            f"{model.metadata.get('data_source', {}).get('name', '?')}\n"
            f"threshold {model.threshold}, features {model.spec.as_dict()}\n"
            f"cross-validated macro-F1 {cv.get('macro_f1', '?')}, "
            f"precision {cv.get('precision', '?')}, recall {cv.get('recall', '?')}"
        )

    # --- helpers -----------------------------------------------------------------------------

    def _read(self, path: Path) -> LabelledPosts:
        try:
            posts = read_offenseval_tsv(path)
        except DatasetError as error:
            raise CommandError(str(error)) from None
        for number, reason in posts.skipped:
            self.stderr.write(f"{path}:{number}: skipped: {reason}")
        return posts

    def _model(self, options: dict[str, Any]) -> OffensiveModel:
        path: Path | None = options.get("model")
        if path is None:
            return load_model(options.get("language"))
        try:
            return OffensiveModel.from_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"{path}: not a usable model file ({error})") from None
