"""Steps shared by the rule-version tests: a second version drafted and published through the
real actions, and a page's visible text."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from django.utils import timezone

from torget.accounts.models import Organisation, User
from torget.archive.models import ArchiveEntry
from torget.moderation import rule_actions
from torget.moderation.models import RuleSet
from torget.moderation.rule_actions import RuleWording

NEW_RULE = RuleWording(
    code="NO_CAPS",
    title_da="Skriv ikke med store bogstaver",
    title_sv="Skriv inte med versaler",
    title_en="Do not write in capitals",
    text_da="Et indlæg skrevet med store bogstaver er svært at læse.",
    text_sv="Ett inlägg skrivet med versaler är svårt att läsa.",
    text_en="A post written in capitals is hard to read.",
    priority_offence=False,
)


def publish_version_2(
    organisation: Organisation,
    adam: User,
    *,
    start: datetime,
    now: datetime | None = None,
    without: str = "",
) -> RuleSet:
    """Version 2: version 1 with NO_CAPS added (and ``without`` removed), from ``start``."""
    draft = rule_actions.start_draft(organisation=organisation, now=now)
    rule_actions.add_rule(rule_set=draft, wording=NEW_RULE)
    if without:
        rule_actions.remove_rule(rule=draft.rules.get(code=without))
    return rule_actions.publish_rule_set(
        rule_set=draft, administrator=adam, in_force_from=start, now=now or timezone.now()
    )


def visible_text(html: str) -> str:
    """What a reader sees or hears: the text between tags, without attribute values."""
    return re.sub(r"<[^>]+>", " ", html)


def local_minute(moment: datetime) -> str:
    """A moment as the datetime-local field sends it, in Testby's zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def entry_data(entry: ArchiveEntry) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(entry.canonical)["data"]
    return data
