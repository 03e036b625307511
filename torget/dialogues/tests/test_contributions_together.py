"""Contributions sent at the same moment are stored together, in one transaction (group
commit): each citizen still gets their own receipt, or their own refusal, only once the
contribution is committed, and one refusal or failure never costs anyone else theirs."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from torget.accounts.models import Organisation, User
from torget.archive.chain import verify_chain
from torget.archive.models import ArchiveEntry, EntryKind
from torget.core.tests.all_at_once import statements_to_store, while_writer_busy
from torget.dialogues import actions
from torget.dialogues.models import Dialogue, Post, PostStatus
from torget.moderation import intake
from torget.moderation.actions import impose_block
from torget.moderation.models import BlockScope
from torget.screening.api import screen


def submission(dialogue: Dialogue, text: str, **overrides: Any) -> intake.Submission:
    values: dict[str, Any] = {
        "organisation": dialogue.organisation,
        "slug": dialogue.slug,
        "display_name": "Carla",
        "text": text,
        "email": "",
        "submission_token": uuid.uuid4(),
        "client_hash": "carla",
        "language": "da",
        "screening": screen(text, language="da"),
        "now": timezone.now(),
    }
    values.update(overrides)
    return intake.Submission(**values)


@pytest.fixture
def closed_dialogue(make_dialogue: Callable[..., Dialogue], olga: User) -> Dialogue:
    dialogue = make_dialogue(slug="skolevej", title="Sikker skolevej")
    actions.close_dialogue(dialogue=dialogue, actor=olga)
    return dialogue


def test_each_submission_of_a_batch_gets_its_own_outcome(
    open_dialogue: Dialogue,
    closed_dialogue: Dialogue,
    contribute: Callable[..., Post],
    alice: User,
) -> None:
    # Given an address blocked from the open dialogue
    blocked = contribute(open_dialogue, "Trussel.", email="blokeret@example.org")
    actions.confirm_email(contribution=blocked)
    block = impose_block(
        contribution=blocked,
        moderator=alice,
        scope=BlockScope.DIALOGUE,
        rule_codes=["THREATS"],
        reasons="Trusler.",
        ends_at=timezone.now() + timedelta(days=7),
        restoration="Adgangen genoprettes af sig selv.",
        complaint="Klag til dialog@testby.example.",
    )
    twice = uuid.uuid4()
    batch = [
        submission(open_dialogue, "Første."),
        submission(closed_dialogue, "For sent."),
        submission(open_dialogue, "Ukendt.", slug="findes-ikke"),
        submission(open_dialogue, "Blokeret.", email="blokeret@example.org"),
        submission(open_dialogue, "Dobbeltklik.", submission_token=twice),
        submission(open_dialogue, "Dobbeltklik.", submission_token=twice),
        submission(open_dialogue, "Med adresse.", email="dora@example.org"),
    ]

    # When they are stored together
    outcomes = intake.store_submissions(batch)

    # Then the three accepted ones are stored once each, in order, and everyone else is told why
    first, too_late, unknown, refused, double, double_again, with_email = outcomes
    assert isinstance(too_late, intake.DialogueNotOpen)
    assert too_late.dialogue == closed_dialogue
    assert isinstance(unknown, Dialogue.DoesNotExist)
    assert isinstance(refused, intake.ParticipantBlocked)
    assert refused.block == block
    assert isinstance(first, tuple) and isinstance(double, tuple)
    assert isinstance(double_again, tuple) and isinstance(with_email, tuple)
    assert double_again == (double[0], False)
    stored = [first[0], double[0], with_email[0]]
    assert [created for _c, created in (first, double, with_email)] == [True, True, True]
    new = Post.objects.exclude(pk=blocked.pk).order_by("pk")
    assert [(c.pk, c.reference, c.text) for c in new] == [
        (c.pk, c.reference, c.text) for c in stored
    ]
    assert len({c.reference for c in stored}) == 3
    assert all(c.status == PostStatus.PENDING for c in new)
    entries = ArchiveEntry.objects.filter(
        kind=EntryKind.CONTRIBUTION_RECEIVED, subject_id__in=[c.pk for c in stored]
    ).order_by("seq")
    assert [(e.subject_id, e.subject_ref) for e in entries] == [(c.pk, c.reference) for c in stored]
    assert verify_chain().ok


def test_a_batch_costs_the_same_statements_however_many_it_holds(
    open_dialogue: Dialogue,
) -> None:
    # Given one contribution stored alone, then five together
    def statements(count: int) -> int:
        batch = [submission(open_dialogue, f"Indlæg {n}.") for n in range(count)]
        return statements_to_store(intake.store_submissions, batch)

    # Then five cost what one does: the dialogue read, one insert of the contributions, and
    # the archive's head, entries, contents and new head
    assert statements(1) == statements(5) == 6
    assert Post.objects.count() == 6


def send(organisation: Organisation, dialogue: Dialogue, **form: Any) -> Callable[[], Any]:
    """A citizen's form as the view hands it over, its token already looked up."""
    values: dict[str, Any] = {
        "display_name": "Carla",
        "text": "Linjeføring B er tryggest.",
        "email": "",
        "submission_token": uuid.uuid4(),
        "client_hash": "carla",
        "language": "da",
    }
    values.update(form)
    return lambda: intake.submit_contribution(
        organisation=organisation, slug=dialogue.slug, **values
    )


@pytest.mark.django_db(transaction=True)
def test_citizens_sending_at_once_share_one_transaction(
    organisation: Organisation, make_dialogue: Callable[..., Dialogue]
) -> None:
    # Given a writer busy storing, and six citizens sending a form meanwhile (the last two
    # the same form, sent twice)
    dialogue = make_dialogue()
    writer = intake._submissions
    batches_before = writer.batches
    twice = uuid.uuid4()
    forms = [
        send(
            organisation,
            dialogue,
            display_name=f"Borger {number}",
            text=f"Forslag nummer {number}.",
            email="dora@example.org" if number == 1 else "",
            submission_token=twice if number >= 4 else uuid.uuid4(),
        )
        for number in range(6)
    ]

    results = while_writer_busy(writer, forms)

    # Then the next writer stores all six in one transaction and each citizen gets their own
    # receipt; the two sends of the same form get the same one
    assert writer.batches == batches_before + 1
    references = [contribution.reference for contribution, _created in results]
    assert references[4] == references[5]
    assert sorted(created for _c, created in results) == [False, True, True, True, True, True]
    stored = dict(Post.objects.values_list("reference", "text"))
    assert len(stored) == 5
    for number in range(4):
        assert stored[references[number]] == f"Forslag nummer {number}."
    assert verify_chain().ok
    # The one who gave an address is sent the link to confirm it, once
    assert [message.to for message in mail.outbox] == [["dora@example.org"]]
    assert "/confirm-email/" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_a_failing_submission_does_not_fail_the_others_in_its_batch(
    organisation: Organisation, make_dialogue: Callable[..., Dialogue]
) -> None:
    # Given a form already stored, whose second send the view did not see in time (it looked
    # its token up just before the first send was committed), sent with two new forms
    dialogue = make_dialogue()
    known = uuid.uuid4()
    first, _created = send(organisation, dialogue, text="Første gang.", submission_token=known)()

    results = while_writer_busy(
        intake._submissions,
        [
            send(organisation, dialogue, text="Igen.", submission_token=known),
            send(organisation, dialogue, text="Nyt forslag."),
            send(organisation, dialogue, text="Endnu et forslag."),
        ],
    )

    # Then the batch's insert fails on the stored token, each is tried alone: the second
    # send gets the first receipt, the two new forms are stored
    assert results[0] == (first, False)
    assert results[1][1] and results[2][1]
    assert Post.objects.count() == 3
    assert verify_chain().ok
