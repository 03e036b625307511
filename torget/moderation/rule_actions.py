"""Every write to the comment rules: an authority's first version, drafting the next one and
publishing it from a date.

A draft is the one place the next version is worked on; publishing freezes it for good and
appends an archive entry with the full wording, so what applied when can always be shown.
Each refusal is a ``RuleSetRefused`` carrying the message to show; it changes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from torget.accounts.models import Organisation, User
from torget.archive.actions import append_entry
from torget.archive.models import Channel, EntryKind
from torget.moderation.defaults import DEFAULT_MAX_LENGTH, DEFAULT_RULES
from torget.moderation.models import Rule, RuleSet
from torget.moderation.queries import published_rule_sets, rule_set_in_force

LANGUAGES = ("da", "sv", "en")
LANGUAGE_NAMES = {"da": _("Danish"), "sv": _("Swedish"), "en": _("English")}


class RuleSetRefused(Exception):
    """Nothing was changed; ``message`` says why, in the reader's language."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class RuleWording:
    code: str
    title_da: str
    title_sv: str
    title_en: str
    text_da: str
    text_sv: str
    text_en: str
    priority_offence: bool


def _archive_publication(rule_set: RuleSet, *, actor: User | None, at: datetime) -> None:
    assert rule_set.in_force_from is not None
    append_entry(
        kind=EntryKind.RULES_PUBLISHED,
        at=at,
        organisation=rule_set.organisation,
        channel=Channel.STAFF,
        subject_type="rule_set",
        subject_id=rule_set.pk,
        subject_ref=f"v{rule_set.version}",
        actor=actor,
        # The wording is public and holds no personal data, so it stays with the entry.
        data={
            "version": rule_set.version,
            "in_force_from": rule_set.in_force_from.isoformat(),
            "max_length": rule_set.max_length,
            "rules": [
                {
                    "code": rule.code,
                    "priority_offence": rule.priority_offence,
                    **{
                        f"{part}_{language}": getattr(rule, f"{part}_{language}")
                        for part in ("title", "text")
                        for language in LANGUAGES
                    },
                }
                for rule in rule_set.rules.order_by("position")
            ],
        },
    )


@transaction.atomic
def publish_default_rule_set(
    *, organisation: Organisation, in_force_from: datetime | None = None
) -> RuleSet:
    """Give a new authority Torget's default rules as version 1, in force from its creation
    (or ``in_force_from``), so that a version is in force from the moment it exists. Every
    place that creates an authority calls this; it is a no-op when the authority has rules."""
    existing = published_rule_sets(organisation).order_by("version").first()
    if existing is not None:
        return existing
    now = timezone.now()
    rule_set = RuleSet.objects.create(
        organisation=organisation,
        version=1,
        max_length=DEFAULT_MAX_LENGTH,
        published_at=now,
        in_force_from=in_force_from or organisation.created_at,
    )
    Rule.objects.bulk_create(
        Rule(rule_set=rule_set, position=index, **rule)
        for index, rule in enumerate(DEFAULT_RULES, start=1)
    )
    _archive_publication(rule_set, actor=None, at=now)
    return rule_set


def _draft_of(organisation: Organisation) -> RuleSet | None:
    return RuleSet.objects.filter(organisation=organisation, published_at__isnull=True).first()


@transaction.atomic
def start_draft(*, organisation: Organisation, now: datetime | None = None) -> RuleSet:
    """The draft of the next version: the one already begun, or a copy of the version in
    force to start from."""
    # The authority's row orders two administrators starting a draft at the same moment.
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    draft = _draft_of(organisation)
    if draft is not None:
        return draft
    source = rule_set_in_force(organisation, at=now)
    last = RuleSet.objects.filter(organisation=organisation).aggregate(last=Max("version"))
    draft = RuleSet.objects.create(
        organisation=organisation,
        version=(last["last"] or 0) + 1,
        max_length=source.max_length,
    )
    Rule.objects.bulk_create(
        Rule(
            rule_set=draft,
            position=rule.position,
            code=rule.code,
            priority_offence=rule.priority_offence,
            **{
                f"{part}_{language}": getattr(rule, f"{part}_{language}")
                for part in ("title", "text")
                for language in LANGUAGES
            },
        )
        for rule in source.rules.order_by("position")
    )
    return draft


def _lock_draft(rule_set: RuleSet) -> RuleSet:
    locked = RuleSet.objects.select_for_update().select_related("organisation").get(pk=rule_set.pk)
    if not locked.is_draft:
        raise RuleSetRefused(
            _("Version %(version)s is published and can no longer be changed. Nothing was changed.")
            % {"version": locked.version}
        )
    return locked


def _refuse_duplicate(locked: RuleSet, code: str, *, other_than: Rule | None) -> None:
    clash = locked.rules.filter(code=code)
    if other_than is not None:
        clash = clash.exclude(pk=other_than.pk)
    if clash.exists():
        raise RuleSetRefused(
            _("The code %(code)s is already used by another rule in this version.") % {"code": code}
        )


@transaction.atomic
def set_draft_max_length(*, rule_set: RuleSet, max_length: int) -> RuleSet:
    locked = _lock_draft(rule_set)
    locked.max_length = max_length
    locked.save(update_fields=["max_length"])
    return locked


@transaction.atomic
def add_rule(*, rule_set: RuleSet, wording: RuleWording) -> Rule:
    """A new rule at the end of the draft."""
    locked = _lock_draft(rule_set)
    _refuse_duplicate(locked, wording.code, other_than=None)
    last = locked.rules.aggregate(last=Max("position"))["last"] or 0
    return Rule.objects.create(rule_set=locked, position=last + 1, **wording.__dict__)


@transaction.atomic
def edit_rule(*, rule: Rule, wording: RuleWording) -> Rule:
    locked = _lock_draft(rule.rule_set)
    _refuse_duplicate(locked, wording.code, other_than=rule)
    for name, value in wording.__dict__.items():
        setattr(rule, name, value)
    rule.save()
    return rule


@transaction.atomic
def remove_rule(*, rule: Rule) -> None:
    _lock_draft(rule.rule_set)
    # Only a draft's own rows: published rules are protected by the decisions citing them.
    Rule.objects.filter(pk=rule.pk, rule_set__published_at__isnull=True).delete()


@transaction.atomic
def move_rule(*, rule: Rule, up: bool) -> None:
    """Swap the rule with its neighbour above (``up``) or below; at either end, no change."""
    locked = _lock_draft(rule.rule_set)
    rules = list(locked.rules.order_by("position", "pk"))
    index = next(i for i, r in enumerate(rules) if r.pk == rule.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(rules):
        return
    rules[index], rules[other] = rules[other], rules[index]
    for position, moved in enumerate(rules, start=1):
        if moved.position != position:
            moved.position = position
            moved.save(update_fields=["position"])


def _missing_translations(rule_set: RuleSet) -> list[str]:
    missing = []
    for rule in rule_set.rules.order_by("position"):
        languages = [
            str(LANGUAGE_NAMES[language])
            for language in LANGUAGES
            if not getattr(rule, f"title_{language}").strip()
            or not getattr(rule, f"text_{language}").strip()
        ]
        if languages:
            missing.append(f"{rule.code} ({', '.join(languages)})")
    return missing


@transaction.atomic
def publish_rule_set(
    *,
    rule_set: RuleSet,
    administrator: User,
    in_force_from: datetime,
    now: datetime | None = None,
) -> RuleSet:
    """Freeze the draft and put it in force from ``in_force_from`` (at once when that is now).

    The start may not lie before the latest published version's start -- the periods on the
    public page follow one another -- nor in the past, which would say that a version
    applied to decisions already made under another."""
    now = now or timezone.now()
    locked = RuleSet.objects.select_for_update().select_related("organisation").get(pk=rule_set.pk)
    if not locked.is_draft:
        raise RuleSetRefused(
            _("Version %(version)s was already published. Nothing was changed.")
            % {"version": locked.version}
        )
    rules = list(locked.rules.order_by("position"))
    if not rules:
        raise RuleSetRefused(_("A version needs at least one rule. Nothing was published."))
    duplicates = sorted(code for code, n in Counter(r.code for r in rules).items() if n > 1)
    if duplicates:
        raise RuleSetRefused(
            _("These codes are used by more than one rule: %(codes)s. Nothing was published.")
            % {"codes": ", ".join(duplicates)}
        )
    missing = _missing_translations(locked)
    if missing:
        raise RuleSetRefused(
            _(
                "Every rule needs a title and an explanation in Danish, Swedish and English. "
                "Missing: %(missing)s. Nothing was published."
            )
            % {"missing": "; ".join(missing)}
        )
    latest = published_rule_sets(locked.organisation).order_by("-in_force_from").first()
    if latest is not None and latest.in_force_from and in_force_from <= latest.in_force_from:
        raise RuleSetRefused(
            _(
                "The new version must start after version %(version)s, which is in force from "
                "%(start)s. Nothing was published."
            )
            % {
                "version": latest.version,
                "start": date_format(
                    timezone.localtime(latest.in_force_from), "SHORT_DATETIME_FORMAT"
                ),
            }
        )
    # The form gives minutes; a start in the current minute means "now".
    if in_force_from < now.replace(second=0, microsecond=0):
        raise RuleSetRefused(_("The start cannot be in the past. Nothing was published."))
    locked.published_at = now
    locked.published_by = administrator
    locked.in_force_from = max(in_force_from, now)
    locked.save(update_fields=["published_at", "published_by", "in_force_from"])
    _archive_publication(locked, actor=administrator, at=now)
    return locked
