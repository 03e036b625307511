"""The threatened politician sees that a threat was recorded, not what it says -- unless they
choose to see it. The choice is recorded; other politicians see nothing of it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from torget.accounts.models import Organisation, Role, User
from torget.conftest import make_person
from torget.dialogues.models import Dialogue, Post
from torget.moderation import actions
from torget.moderation.models import ThreatDisclosure, ThreatMark

StaffAs = Callable[[User], Client]
THREAT = "Jeg ved hvor du bor, Bob."


@pytest.fixture
def threat(
    alice: User, bob: User, open_dialogue: Dialogue, contribute: Callable[..., Post]
) -> ThreatMark:
    return actions.mark_threat(
        contribution=contribute(open_dialogue, THREAT), politician=bob, moderator=alice
    )


def test_the_politician_sees_the_text_only_after_choosing_to(
    bob: User, threat: ThreatMark, staff_as: StaffAs
) -> None:
    politician = staff_as(bob)

    listing = politician.get("/staff/moderation/threats/").content.decode()
    assert threat.contribution.reference in listing
    assert "The text is hidden." in listing
    assert "hvor du bor" not in listing
    assert not ThreatDisclosure.objects.exists()

    shown = politician.post(f"/staff/moderation/threats/{threat.pk}/show/")
    assert shown.status_code == 200
    assert "hvor du bor" in shown.content.decode()
    disclosure = ThreatDisclosure.objects.get()
    assert (disclosure.threat, disclosure.viewer) == (threat, bob)

    # Back on the list, the text is hidden again.
    assert "hvor du bor" not in politician.get("/staff/moderation/threats/").content.decode()


def test_choosing_is_a_post_never_a_link(bob: User, threat: ThreatMark, staff_as: StaffAs) -> None:
    politician = staff_as(bob)
    assert politician.get(f"/staff/moderation/threats/{threat.pk}/show/").status_code == 405
    assert not ThreatDisclosure.objects.exists()


def test_another_politician_sees_nothing_of_it(
    organisation: Organisation, threat: ThreatMark, staff_as: StaffAs
) -> None:
    petra = make_person(organisation, "petra", Role.POLITICIAN, with_device=False)
    other = staff_as(petra)
    listing = other.get("/staff/moderation/threats/").content.decode()
    assert threat.contribution.reference not in listing
    assert "No post has been recorded as a threat against you." in listing
    assert other.post(f"/staff/moderation/threats/{threat.pk}/show/").status_code == 403
    assert not ThreatDisclosure.objects.exists()


def test_moderators_see_the_list_with_the_politician_named(
    moritz: User, threat: ThreatMark, staff_as: StaffAs
) -> None:
    staff = staff_as(moritz)
    listing = staff.get("/staff/moderation/threats/").content.decode()
    assert threat.contribution.reference in listing
    assert "Bob" in listing
    assert f"/staff/moderation/threats/{threat.pk}/evidence/" in listing
    # The politician's own choice is theirs: a moderator reads the post in the queue instead.
    assert staff.post(f"/staff/moderation/threats/{threat.pk}/show/").status_code == 403
