"""The small named world every test shares: Solby-like municipality "Testby Kommune",
Alice the moderator, Olga the dialogue owner, Bob the politician, Adam the administrator,
Rita the records officer, and Carla the citizen (who has no account); Moritz a second
moderator, Vera a politician of another party."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import Settings

from torget.accounts.actions import grant_roles
from torget.accounts.models import Committee, Organisation, Party, Role, User
from torget.archive import triggers as archive_triggers
from torget.dialogues import actions as dialogue_actions
from torget.dialogues.actions import MissionCard
from torget.dialogues.models import Dialogue, ModerationMode, ParticipationLevel, Post
from torget.livechat import actions as chat_actions
from torget.livechat.models import ChatSession, Question
from torget.moderation import intake
from torget.moderation.rule_actions import publish_default_rule_set

PASSWORD = "correct horse battery staple"  # noqa: S105 - the test world's password


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Rate limits and sign-in throttles live in the cache; no test inherits another's count.
    cache.clear()


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings: Settings) -> None:
    # The production hash is slow on purpose, and tests make many people; what they check
    # is who may do what, not the hashing cost. The sign-in tests use the same forms and
    # checks with this hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def client() -> Client:
    """Tests read messages in English; the language tests choose Danish and Swedish themselves."""
    english = Client()
    english.cookies["torget_language"] = "en"
    return english


RULES_SINCE = datetime(2020, 1, 1, tzinfo=UTC)


@pytest.fixture
def organisation(db: None) -> Organisation:
    organisation = Organisation.objects.create(
        name="Testby Kommune",
        slug="testby",
        country="DK",
        default_language="da",
        time_zone="Europe/Copenhagen",
        contact_email="dialog@testby.example",
        customer_service_email="borgerservice@testby.example",
        customer_service_name="Borgerservice",
    )
    # Testby has had its rules since long before any test's clock: tests that act at an
    # earlier ``now`` still find a version in force.
    publish_default_rule_set(organisation=organisation, in_force_from=RULES_SINCE)
    return organisation


@pytest.fixture
def committee(organisation: Organisation) -> Committee:
    return Committee.objects.create(organisation=organisation, name="Teknik- og Miljøudvalget")


@pytest.fixture
def party(organisation: Organisation) -> Party:
    return Party.objects.create(
        organisation=organisation, name="Socialdemokratiet", abbreviation="A"
    )


def make_person(
    organisation: Organisation, username: str, *roles: Role, with_device: bool = True
) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=username.capitalize(),
        organisation=organisation,
    )
    grant_roles(user=user, roles=list(roles))
    if with_device:
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


@pytest.fixture
def alice(organisation: Organisation) -> User:
    return make_person(organisation, "alice", Role.MODERATOR)


@pytest.fixture
def moritz(organisation: Organisation) -> User:
    """A second moderator, for races and reviews."""
    return make_person(organisation, "moritz", Role.MODERATOR)


@pytest.fixture
def olga(organisation: Organisation) -> User:
    return make_person(organisation, "olga", Role.DIALOGUE_OWNER, with_device=False)


@pytest.fixture
def adam(organisation: Organisation) -> User:
    return make_person(organisation, "adam", Role.ADMINISTRATOR)


@pytest.fixture
def bob(organisation: Organisation, party: Party) -> User:
    user = make_person(organisation, "bob", Role.POLITICIAN, with_device=False)
    user.party = party
    user.save(update_fields=["party"])
    return user


@pytest.fixture
def rita(organisation: Organisation) -> User:
    return make_person(organisation, "rita", Role.RECORDS_OFFICER)


def current_code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client: Client, user: User) -> None:
    """Leave ``client`` as the sign-in pages leave a person: signed in and, when the role needs
    it, past the second factor with their confirmed authenticator. The forms themselves are
    exercised in accounts/tests and the browser tests."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture
def signed_in() -> Callable[[Client, User], Client]:
    def _sign_in(client: Client, user: User) -> Client:
        sign_in(client, user)
        return client

    return _sign_in


def card(committee: Committee, **overrides: Any) -> MissionCard:
    now = timezone.now()
    values: dict[str, Any] = {
        "slug": "cykelsti",
        "title": "Ny cykelsti langs Åvej",
        "assignment": "Hvilken linjeføring skal cykelstien have?",
        "commissioned_by": committee,
        "participation_level": ParticipationLevel.CONSULT,
        "open_to_influence": "Linjeføringen og belysningen.",
        "not_open_to_influence": "Budgettet.",
        "input_handling": "Alle indlæg samles i et notat til udvalget.",
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=7),
        "feedback_due": (now + timedelta(days=30)).date(),
        "case_number": "24.05.00-P20-3-26",
        "moderation_mode": ModerationMode.PRE,
    }
    values.update(overrides)
    return cast(MissionCard, values)


@pytest.fixture
def make_dialogue(
    organisation: Organisation, committee: Committee, olga: User
) -> Callable[..., Dialogue]:
    def _make(*, schedule: bool = True, now: datetime | None = None, **overrides: Any) -> Dialogue:
        dialogue = dialogue_actions.create_dialogue(
            organisation=organisation, owner=olga, card=card(committee, **overrides), now=now
        )
        if schedule:
            dialogue_actions.schedule_dialogue(dialogue=dialogue, actor=olga, now=now)
        dialogue.refresh_from_db()
        return dialogue

    return _make


@pytest.fixture
def open_dialogue(make_dialogue: Callable[..., Dialogue]) -> Dialogue:
    return make_dialogue()


@pytest.fixture
def contribute() -> Callable[..., Post]:
    """Carla the citizen contributes through the real action."""

    def _contribute(
        dialogue: Dialogue, text: str = "Linjeføring B er tryggest.", **kw: Any
    ) -> Post:
        contribution, _created = intake.submit_contribution(
            organisation=dialogue.organisation,
            slug=dialogue.slug,
            display_name=kw.pop("display_name", "Carla"),
            text=text,
            email=kw.pop("email", ""),
            submission_token=kw.pop("submission_token", uuid.uuid4()),
            client_hash=kw.pop("client_hash", "carla"),
            language=kw.pop("language", "da"),
            **kw,
        )
        return contribution

    return _contribute


# The live chat: Olga's open dialogue holds a chat moderated by Alice and Moritz, with Bob
# (Socialdemokratiet) and Vera (Venstre) on the panel. Carla asks through the real action.


@pytest.fixture
def vera(organisation: Organisation) -> User:
    other = Party.objects.create(organisation=organisation, name="Venstre", abbreviation="V")
    user = make_person(organisation, "vera", Role.POLITICIAN, with_device=False)
    user.party = other
    user.save(update_fields=["party"])
    return user


@pytest.fixture
def make_chat(
    open_dialogue: Dialogue, olga: User, alice: User, moritz: User, bob: User, vera: User
) -> Callable[..., ChatSession]:
    def _make(**overrides: Any) -> ChatSession:
        now = timezone.now()
        values: dict[str, Any] = {
            "dialogue": open_dialogue,
            "actor": olga,
            "slug": "spoergetime",
            "title": "Spørg politikerne om cykelstien",
            "description": "Politikerne svarer i en time.",
            "opens_at": now - timedelta(minutes=10),
            "closes_at": now + timedelta(minutes=50),
            "question_max_length": 300,
            "answers_reviewed": False,
            "upvotes_enabled": False,
            "moderators": [alice, moritz],
            "panel": [bob, vera],
        }
        values.update(overrides)
        return chat_actions.create_chat_session(**values)

    return _make


@pytest.fixture
def chat(make_chat: Callable[..., ChatSession]) -> ChatSession:
    return make_chat()


@pytest.fixture
def ask() -> Callable[..., Question]:
    def _ask(
        session: ChatSession, text: str = "Hvornår bliver stien bygget?", **kw: Any
    ) -> Question:
        question, _created = chat_actions.ask_question(
            session_pk=session.pk,
            max_length=session.question_max_length,
            display_name=kw.pop("display_name", "Carla"),
            text=text,
            submission_token=kw.pop("submission_token", uuid.uuid4()),
            client_hash=kw.pop("client_hash", "carla"),
            language=kw.pop("language", "da"),
            **kw,
        )
        return question

    return _ask


def _uses_transactional_db(request: pytest.FixtureRequest) -> bool:
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    return (
        "transactional_db" in names
        or "live_server" in names
        or bool(marker and marker.kwargs.get("transaction"))
    )


@pytest.fixture(autouse=True)
def _archive_triggers_restored(
    request: pytest.FixtureRequest, django_db_blocker: Any
) -> Iterator[None]:
    """Put the archive's append-only triggers back after a transactional test's flush (the
    fixture below lifts them so that the flush may empty the tables)."""
    yield
    if _uses_transactional_db(request):
        with django_db_blocker.unblock():
            archive_triggers.install(connection)


@pytest.fixture(autouse=True)
def _archive_triggers_lifted_for_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    if not _uses_transactional_db(request):
        yield
        return
    # Set up the database first, so that this teardown runs before its flush.
    request.getfixturevalue("transactional_db")
    yield
    archive_triggers.remove(connection)
