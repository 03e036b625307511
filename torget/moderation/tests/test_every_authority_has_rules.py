"""Exactly one version of the comment rules is in force for an authority from the moment it
exists: an authority made in the administration gets Torget's defaults as version 1 from its
creation, and the migration gives the same to every authority that had none."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from django.apps import apps
from django.test import Client

from torget.accounts.models import Organisation, User
from torget.archive.models import ArchiveEntry, EntryKind
from torget.moderation.defaults import DEFAULT_RULES
from torget.moderation.models import RuleSet
from torget.moderation.queries import rule_set_in_force

SignIn = Callable[[Client, User], Client]


def test_an_authority_made_in_the_administration_has_rules_from_its_creation(
    client: Client, adam: User, signed_in: SignIn
) -> None:
    # Given Adam, a superuser past the second factor,
    adam.is_superuser = adam.is_staff = True
    adam.save(update_fields=["is_superuser", "is_staff"])
    signed_in(client, adam)

    # when he adds a second authority in the administration,
    response = client.post(
        "/django-admin/accounts/organisation/add/",
        {
            "name": "Nyby Kommun",
            "slug": "nyby",
            "country": "SE",
            "default_language": "sv",
            "time_zone": "Europe/Stockholm",
            "contact_email": "dialog@nyby.example",
            "customer_service_email": "kontakt@nyby.example",
            "customer_service_name": "Kontaktcenter",
        },
    )

    # then it has version 1 of Torget's defaults, in force from the moment it was made,
    assert response.status_code == 302, response.content.decode()[:2000]
    nyby = Organisation.objects.get(slug="nyby")
    in_force = rule_set_in_force(nyby, at=nyby.created_at)
    assert (in_force.version, in_force.in_force_from) == (1, nyby.created_at)
    assert in_force.rules.count() == len(DEFAULT_RULES)
    # and the publication is in the archive.
    assert ArchiveEntry.objects.filter(
        kind=EntryKind.RULES_PUBLISHED, organisation=nyby, subject_ref="v1"
    ).exists()


def test_the_migration_gives_an_authority_without_rules_the_defaults(db: None) -> None:
    # Given an authority made before rules were published eagerly (it has none),
    old = Organisation.objects.create(
        name="Gammelby Kommune",
        slug="gammelby",
        country="DK",
        default_language="da",
        time_zone="Europe/Copenhagen",
        contact_email="dialog@gammelby.example",
        customer_service_email="borgerservice@gammelby.example",
    )
    assert not RuleSet.objects.filter(organisation=old).exists()

    # when the data migration runs,
    migration = importlib.import_module(
        "torget.moderation.migrations.0005_every_authority_has_rules_in_force"
    )
    migration.forwards(apps, None)

    # then version 1 is in force from the authority's creation.
    in_force = rule_set_in_force(old, at=old.created_at)
    assert (in_force.version, in_force.in_force_from) == (1, old.created_at)
    assert sorted(in_force.rules.values_list("code", flat=True)) == sorted(
        rule["code"] for rule in DEFAULT_RULES
    )
