"""Every authority has exactly one version of the comment rules in force from its creation.

Published versions start when they were published, except each authority's first, which
starts with the authority itself (rules used to be created lazily, on the first decision).
An authority without rules gets Torget's defaults as version 1 from its creation. Rule sets
made by this migration have no archive entry: they are the same wording every authority had
by default, and ``torget/moderation/defaults.py`` keeps it.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from torget.moderation.defaults import DEFAULT_MAX_LENGTH, DEFAULT_RULES

    Organisation = apps.get_model("accounts", "Organisation")
    RuleSet = apps.get_model("moderation", "RuleSet")
    Rule = apps.get_model("moderation", "Rule")
    for organisation in Organisation.objects.order_by("pk"):
        versions = list(RuleSet.objects.filter(organisation=organisation).order_by("version"))
        for index, rule_set in enumerate(versions):
            start = rule_set.published_at
            if index == 0:
                start = min(start, organisation.created_at)
            rule_set.in_force_from = start
            rule_set.save(update_fields=["in_force_from"])
        if versions:
            continue
        rule_set = RuleSet.objects.create(
            organisation=organisation,
            version=1,
            max_length=DEFAULT_MAX_LENGTH,
            published_at=organisation.created_at,
            in_force_from=organisation.created_at,
        )
        Rule.objects.bulk_create(
            Rule(rule_set=rule_set, position=index, **rule)
            for index, rule in enumerate(DEFAULT_RULES, start=1)
        )


def backwards(apps, schema_editor):
    # The versions stay: decisions may already cite them. Only the starts go.
    RuleSet = apps.get_model("moderation", "RuleSet")
    RuleSet.objects.update(in_force_from=None)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("moderation", "0004_rule_set_drafts_and_start"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
