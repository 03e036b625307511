"""The demo authority: a fictional Danish municipality with the whole dialogue loop in it.

Everything is created through the real actions, with the clock set back where the story needs
it, so the demo exercises the same code paths a real authority does.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from torget.accounts.actions import grant_roles
from torget.accounts.models import (
    AccessibilityStatement,
    Committee,
    Compliance,
    Organisation,
    Party,
    Role,
    User,
)
from torget.dialogues import actions as dialogue_actions
from torget.dialogues.actions import MissionCard
from torget.dialogues.models import (
    Dialogue,
    ModerationMode,
    OfflineSource,
    ParticipationLevel,
    Post,
)
from torget.livechat import actions as chat_actions
from torget.livechat.models import ChatSession, Question
from torget.moderation import actions as moderation_actions
from torget.moderation import intake
from torget.moderation.rule_actions import publish_default_rule_set

DEMO_SLUG = "solby"
DEMO_PASSWORD = "torget-demo"  # noqa: S105 - printed on purpose; demo only


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    roles: tuple[Role, ...]
    party: str | None = None
    # Fixed base32 TOTP keys so the printed instructions stay valid between runs (demo only).
    totp_key_hex: str | None = None


PEOPLE = (
    DemoPerson(
        "admin",
        "Anne",
        "Admin",
        (Role.ADMINISTRATOR,),
        totp_key_hex="3132333435363738393031323334353637383930",
    ),
    DemoPerson(
        "alice",
        "Alice",
        "Andersen",
        (Role.MODERATOR,),
        totp_key_hex="a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
    ),
    DemoPerson("dorte", "Dorte", "Dam", (Role.DIALOGUE_OWNER,)),
    DemoPerson(
        "rikke",
        "Rikke",
        "Rasmussen",
        (Role.RECORDS_OFFICER,),
        totp_key_hex="0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c",
    ),
    DemoPerson("bob", "Bob", "Berg", (Role.POLITICIAN,), party="A"),
    DemoPerson("birgit", "Birgit", "Bech", (Role.POLITICIAN,), party="V"),
    DemoPerson("frederik", "Frederik", "Foss", (Role.POLITICIAN,), party="F"),
)

PARTIES = (
    ("Socialdemokratiet", "A"),
    ("Venstre", "V"),
    ("SF – Socialistisk Folkeparti", "F"),
    ("Det Konservative Folkeparti", "C"),
    ("Enhedslisten", "Ø"),
)

COMMITTEES = (
    "Økonomiudvalget",
    "Teknik- og Miljøudvalget",
    "Børne- og Skoleudvalget",
    "Kultur- og Fritidsudvalget",
)


def demo_exists() -> bool:
    return Organisation.objects.filter(slug=DEMO_SLUG).exists()


def _card(
    *,
    slug: str,
    title: str,
    assignment: str,
    committee: Committee,
    level: ParticipationLevel,
    influence: str,
    not_influence: str,
    handling: str,
    opens_at: datetime,
    closes_at: datetime,
    feedback_due: date,
    case_number: str,
    mode: ModerationMode = ModerationMode.PRE,
) -> MissionCard:
    return MissionCard(
        slug=slug,
        title=title,
        assignment=assignment,
        commissioned_by=committee,
        participation_level=level,
        open_to_influence=influence,
        not_open_to_influence=not_influence,
        input_handling=handling,
        opens_at=opens_at,
        closes_at=closes_at,
        feedback_due=feedback_due,
        case_number=case_number,
        moderation_mode=mode,
    )


def _contribute(dialogue: Dialogue, name: str, text: str, at: datetime, email: str = "") -> Post:
    contribution, _created = intake.submit_contribution(
        organisation=dialogue.organisation,
        slug=dialogue.slug,
        display_name=name,
        text=text,
        email=email,
        submission_token=uuid.uuid4(),
        client_hash="demo",
        language="da",
        now=at,
    )
    if email:
        dialogue_actions.confirm_email(contribution=contribution, now=at + timedelta(minutes=5))
    return contribution


@transaction.atomic
def build_demo(*, now: datetime | None = None) -> Organisation:
    now = now or timezone.now()
    organisation = Organisation.objects.create(
        name="Solby Kommune",
        slug=DEMO_SLUG,
        country="DK",
        default_language="da",
        time_zone="Europe/Copenhagen",
        address="Rådhustorvet 1\n9999 Solby",
        website="https://solby.example",
        contact_email="dialog@solby.example",
        customer_service_email="borgerservice@solby.example",
        customer_service_name="Borgerservice",
    )
    # Solby has had its rules since before anything the demo shows.
    publish_default_rule_set(organisation=organisation, in_force_from=now - timedelta(days=365))
    AccessibilityStatement.objects.create(
        organisation=organisation,
        compliance=Compliance.PARTIAL,
        known_defects="Siderne er indtil videre kun kontrolleret med automatiske test (axe-core). "
        "Fejl, som automatiske test ikke kan finde, kan derfor forekomme, indtil den manuelle "
        "gennemgang med skærmlæser er gennemført.",
        assessment_method="Selvevaluering ud fra Torgets automatiske test. En gennemgang med "
        "skærmlæser og tastatur er bestilt hos en ekstern konsulent.",
        was_tool_url="https://www.was.digst.dk/solby-example",
        feedback_email="tilgaengelighed@solby.example",
        feedback_phone="99 99 99 99",
        prepared_on=(now - timedelta(days=60)).date(),
        updated_on=(now - timedelta(days=10)).date(),
        assessed_on=(now - timedelta(days=10)).date(),
    )
    parties = {
        abbreviation: Party.objects.create(
            organisation=organisation, name=name, abbreviation=abbreviation
        )
        for name, abbreviation in PARTIES
    }
    committees = {
        name: Committee.objects.create(organisation=organisation, name=name) for name in COMMITTEES
    }
    people: dict[str, User] = {}
    for person in PEOPLE:
        user = User.objects.create_user(
            username=person.username,
            password=DEMO_PASSWORD,
            first_name=person.first_name,
            last_name=person.last_name,
            email=f"{person.username}@solby.example",
            organisation=organisation,
            party=parties[person.party] if person.party else None,
        )
        grant_roles(user=user, roles=list(person.roles))
        if person.totp_key_hex:
            TOTPDevice.objects.create(
                user=user, name="Demo authenticator", key=person.totp_key_hex, confirmed=True
            )
        people[person.username] = user
    people["bob"].committees.add(committees["Teknik- og Miljøudvalget"])
    people["birgit"].committees.add(
        committees["Teknik- og Miljøudvalget"], committees["Økonomiudvalget"]
    )
    # Every public demo dialogue has a politician on its commissioning committee, so each
    # politician's staff overview shows their committees' dialogues.
    people["frederik"].committees.add(
        committees["Børne- og Skoleudvalget"], committees["Kultur- og Fritidsudvalget"]
    )

    owner, alice = people["dorte"], people["alice"]
    day = timedelta(days=1)

    # 1. Open, pre-moderated, with every kind of decision.
    cycle = dialogue_actions.create_dialogue(
        organisation=organisation,
        owner=owner,
        now=now - 10 * day,
        card=_card(
            slug="cykelsti-aavej",
            title="Ny cykelsti langs Åvej",
            assignment="Teknik- og Miljøudvalget skal vælge mellem to linjeføringer for en ny "
            "cykelsti mellem Solby station og Nørreskolen. Vi vil gerne høre, hvordan du "
            "bruger strækningen i dag, og hvad der gør den tryg.",
            committee=committees["Teknik- og Miljøudvalget"],
            level=ParticipationLevel.CONSULT,
            influence="Valget mellem de to linjeføringer, placering af krydsninger og belysning.",
            not_influence="Budgettet på 12 mio. kr., som byrådet har vedtaget.",
            handling="Administrationen samler alle indlæg i et notat, som indgår i udvalgets "
            "beslutning på mødet i februar.",
            opens_at=now - 7 * day,
            closes_at=now + 14 * day,
            feedback_due=(now + 60 * day).date(),
            case_number="24.05.00-P20-3-26",
        ),
    )
    dialogue_actions.schedule_dialogue(dialogue=cycle, actor=owner, now=now - 8 * day)
    c1 = _contribute(
        cycle,
        "Mette fra Vestbyen",
        "Jeg cykler strækningen hver dag med to "
        "børn. Linjeføring B langs åen er klart den mest trygge, fordi den undgår "
        "krydset ved Brugsen.",
        now - 6 * day,
        "mette@borger.example",
    )
    c2 = _contribute(
        cycle,
        "Lars K.",
        "Husk belysning! Det er mørkt fra oktober til marts, og "
        "stien langs åen er helt uoplyst i dag.",
        now - 5 * day,
    )
    c3 = _contribute(
        cycle,
        "Vred borger",
        "I er nogle fuldstændig inkompetente idioter på rådhuset, allesammen.",
        now - 4 * day,
        "vred@borger.example",
    )
    c4 = _contribute(
        cycle,
        "Hanne",
        "Min skraldespand er ikke blevet tømt i tre uger på Åvej 14. Hvem skal jeg kontakte?",
        now - 3 * day,
        "hanne@borger.example",
    )
    _contribute(
        cycle,
        "Ole",
        "Linjeføring A er billigere at vedligeholde. Kan man ikke lave "
        "en bedre krydsning ved Brugsen i stedet?",
        now - 1 * day,
    )
    _contribute(
        cycle,
        "Sofie, 14 år",
        "Vi cykler i klump om morgenen. Stien skal være bred nok til, at man kan overhale.",
        now - 2 * timedelta(hours=3),
    )
    # Said at the citizens' meeting and typed in the next morning: it waits in the one queue.
    intake.enter_offline_input(
        dialogue=cycle,
        entered_by=owner,
        received_via=OfflineSource.MEETING,
        received_on=(now - 2 * day).date(),
        display_name="Deltager ved borgermødet i Solby Hallen",
        text="Husk cykelparkering ved hallen, ellers står cyklerne på fortovet.",
        email="",
        now=now - 1 * day,
    )
    moderation_actions.approve_contribution(contribution=c1, moderator=alice, now=now - 5 * day)
    moderation_actions.approve_contribution(contribution=c2, moderator=alice, now=now - 4 * day)
    moderation_actions.reject_contribution(
        contribution=c3,
        moderator=alice,
        rule_codes=["RESPECT"],
        note="Personangreb på medarbejdere; ingen saglig kritik at bevare.",
        now=now - 3 * day,
    )
    moderation_actions.refer_contribution(
        contribution=c4,
        moderator=alice,
        note="Affaldsafhentning er en servicesag.",
        now=now - 2 * day,
    )

    # 2. Open, post-moderated: contributions show at once and are reviewed afterwards.
    library = dialogue_actions.create_dialogue(
        organisation=organisation,
        owner=owner,
        now=now - 4 * day,
        card=_card(
            slug="fremtidens-bibliotek",
            title="Fremtidens bibliotek i Solby",
            assignment="Kultur- og Fritidsudvalget er i gang med en ny biblioteksplan. Fortæl "
            "os, hvad biblioteket skal kunne om ti år.",
            committee=committees["Kultur- og Fritidsudvalget"],
            level=ParticipationLevel.INVOLVE,
            influence="Åbningstider, aktiviteter og indretning.",
            not_influence="Bibliotekets placering i kulturhuset.",
            handling="Indlæggene drøftes på et borgermøde og i udvalget, som vedtager planen.",
            opens_at=now - 3 * day,
            closes_at=now + 25 * day,
            feedback_due=(now + 70 * day).date(),
            case_number="20.00.00-A00-1-26",
            mode=ModerationMode.POST,
        ),
    )
    dialogue_actions.schedule_dialogue(dialogue=library, actor=owner, now=now - 4 * day)
    _contribute(
        library,
        "Jens",
        "Længere åbent om aftenen, også i weekenden. Og gerne stillezoner til lektier.",
        now - 2 * day,
    )
    _contribute(
        library,
        "Amina",
        "Flere sprogcaféer og hjælp til digitale selvbetjening for ældre.",
        now - day,
    )

    # 3. Scheduled: opens by itself next week.
    budget = dialogue_actions.create_dialogue(
        organisation=organisation,
        owner=owner,
        now=now - day,
        card=_card(
            slug="budget-2027",
            title="Budget 2027: Hvad skal prioriteres?",
            assignment="Økonomiudvalget vil høre, hvilke områder borgerne mener skal "
            "prioriteres i budget 2027.",
            committee=committees["Økonomiudvalget"],
            level=ParticipationLevel.CONSULT,
            influence="Prioriteringen mellem områderne.",
            not_influence="Skatteprocenten og lovbundne udgifter.",
            handling="Et resumé af indlæggene sendes med budgetforslaget til byrådet.",
            opens_at=now + 7 * day,
            closes_at=now + 35 * day,
            feedback_due=(now + 90 * day).date(),
            case_number="00.30.00-S00-2-26",
        ),
    )
    dialogue_actions.schedule_dialogue(dialogue=budget, actor=owner, now=now - day)

    # 4. Closed with a published feedback report.
    playground = dialogue_actions.create_dialogue(
        organisation=organisation,
        owner=owner,
        now=now - 80 * day,
        card=_card(
            slug="legeplads-nordparken",
            title="Legepladsen i Nordparken",
            assignment="Legepladsen i Nordparken skal fornyes. Hvad skal den kunne?",
            committee=committees["Teknik- og Miljøudvalget"],
            level=ParticipationLevel.INVOLVE,
            influence="Legeredskaber, beplantning og bænke.",
            not_influence="Legepladsens størrelse og placering.",
            handling="Landskabsarkitekten tegner to forslag ud fra indlæggene; udvalget vælger.",
            opens_at=now - 75 * day,
            closes_at=now - 45 * day,
            feedback_due=(now - 15 * day).date(),
            case_number="04.01.00-P20-7-25",
        ),
    )
    dialogue_actions.schedule_dialogue(dialogue=playground, actor=owner, now=now - 76 * day)
    p1 = _contribute(
        playground,
        "Familien Holm",
        "Skygge! Der er ingen træer, og om sommeren er rutsjebanen for varm at bruge.",
        now - 70 * day,
        "holm@borger.example",
    )
    p2 = _contribute(
        playground, "Ib", "Bænke til bedsteforældre og et drikkevandsanlæg.", now - 60 * day
    )
    moderation_actions.approve_contribution(contribution=p1, moderator=alice, now=now - 69 * day)
    moderation_actions.approve_contribution(contribution=p2, moderator=alice, now=now - 59 * day)
    dialogue_actions.advance_dialogues(now=now - 44 * day)
    report = dialogue_actions.save_feedback_report(
        dialogue=playground,
        author=owner,
        what_came_in="38 indlæg fra 31 borgere. Flest ønskede skygge, bænke og drikkevand.",
        how_it_was_used="Begge arkitektforslag fik træer og en overdækket bænk; forslag B fik "
        "drikkevandsanlæg.",
        what_was_decided="Udvalget valgte forslag B den 3. november. Byggeriet begynder i marts.",
        now=now - 20 * day,
    )
    dialogue_actions.publish_feedback_report(report=report, actor=owner, now=now - 20 * day)

    # 5. Closed, and the promised feedback date has passed: the dashboard shows it.
    school = dialogue_actions.create_dialogue(
        organisation=organisation,
        owner=owner,
        now=now - 50 * day,
        card=_card(
            slug="skolevej-trafik",
            title="Trafiksikkerhed ved Skovvejens Skole",
            assignment="Hvor oplever du og dit barn utrygge steder på skolevejen?",
            committee=committees["Børne- og Skoleudvalget"],
            level=ParticipationLevel.CONSULT,
            influence="Hvilke steder der undersøges først.",
            not_influence="Hastighedsgrænser på statsveje.",
            handling="Vejafdelingen gennemgår alle steder, der nævnes.",
            opens_at=now - 45 * day,
            closes_at=now - 20 * day,
            feedback_due=(now - 5 * day).date(),
            case_number="05.01.00-P20-2-26",
        ),
    )
    dialogue_actions.schedule_dialogue(dialogue=school, actor=owner, now=now - 46 * day)
    s1 = _contribute(
        school,
        "Far til to",
        "Krydset ved Skovvej/Møllevej om morgenen – biler holder i cykelbanen.",
        now - 30 * day,
    )
    moderation_actions.approve_contribution(contribution=s1, moderator=alice, now=now - 29 * day)

    # 6. A draft nobody outside the staff can see.
    dialogue_actions.create_dialogue(
        organisation=organisation,
        owner=owner,
        now=now,
        card=_card(
            slug="hundeskov-oesterby",
            title="Hundeskov i Østerbyen",
            assignment="Skal der være en indhegnet hundeskov i Østerbyen, og hvor?",
            committee=committees["Teknik- og Miljøudvalget"],
            level=ParticipationLevel.CONSULT,
            influence="Placering og indretning.",
            not_influence="",
            handling="Indlæggene indgår i en sag til udvalget.",
            opens_at=now + 30 * day,
            closes_at=now + 60 * day,
            feedback_due=(now + 100 * day).date(),
            case_number="",
        ),
    )
    dialogue_actions.advance_dialogues(now=now)

    # 7. Live chats: one held before the playground dialogue closed, with its transcript,
    # and one open now on the cycle path, with questions at every step.
    panel = [people["bob"], people["birgit"], people["frederik"]]
    past = chat_actions.create_chat_session(
        dialogue=playground,
        actor=owner,
        slug="spoergetime-legepladsen",
        title="Spørg politikerne om legepladsen",
        description="Tre medlemmer af Teknik- og Miljøudvalget svarer på spørgsmål i en time.",
        opens_at=now - 50 * day,
        closes_at=now - 50 * day + timedelta(hours=1),
        question_max_length=500,
        answers_reviewed=False,
        upvotes_enabled=False,
        moderators=[alice],
        panel=panel,
        now=now - 55 * day,
    )
    start = past.opens_at
    minute = timedelta(minutes=1)
    _chat_pair(
        past,
        "Mette",
        "Kommer der skygge over sandkassen?",
        alice,
        people["bob"],
        "Ja. Begge forslag har træer ved sandkassen, og forslag B også et sejl.",
        start + 3 * minute,
    )
    _chat_pair(
        past,
        "Jonas",
        "Hvornår kan legepladsen bruges igen?",
        alice,
        people["birgit"],
        "Vi regner med, at den åbner igen til sommerferien.",
        start + 12 * minute,
    )
    _chat_question(past, "Lise", "Bliver der toiletter i parken?", start + 40 * minute)
    chat_actions.close_due_chats(now=past.closes_at)

    live = chat_actions.create_chat_session(
        dialogue=cycle,
        actor=owner,
        slug="spoergetime-cykelstien",
        title="Spørg politikerne om cykelstien",
        description="Stil dit spørgsmål. En moderator giver det til én af politikerne i panelet, "
        "og svaret vises her sammen med spørgsmålet.",
        opens_at=now - timedelta(hours=1),
        closes_at=cycle.closes_at,
        question_max_length=500,
        answers_reviewed=False,
        upvotes_enabled=True,
        moderators=[alice],
        panel=panel,
        now=now - 2 * day,
    )
    start = live.opens_at
    _chat_pair(
        live,
        "Ole",
        "Bliver stien belyst hele vejen?",
        alice,
        people["frederik"],
        "Ja, begge linjeføringer får lys hele vejen til Nørreskolen.",
        start + 5 * minute,
    )
    waiting = _chat_question(
        live, "Karin", "Hvad sker der med træerne langs åen?", start + 10 * minute
    )
    chat_actions.assign_question(
        question=waiting, moderator=alice, politician=people["birgit"], now=start + 11 * minute
    )
    approved = _chat_question(
        live, "Sofie", "Kan man cykle på stien om vinteren?", start + 15 * minute
    )
    chat_actions.approve_question(question=approved, moderator=alice, now=start + 16 * minute)
    rejected = _chat_question(
        live,
        "X",
        "KØB BILLIGE CYKLER PÅ www.cykler-billigt.dk NU!!! KLIK HER FOR RABAT I DAG",
        start + 18 * minute,
    )
    chat_actions.reject_question(
        question=rejected, moderator=alice, rule_codes=["COMMERCIAL"], now=start + 19 * minute
    )
    _chat_question(
        live, "Per", "Hvorfor ikke bare male en cykelbane på vejen?", start + 25 * minute
    )
    return organisation


def _chat_question(chat: ChatSession, name: str, text: str, at: datetime) -> Question:
    question, _created = chat_actions.ask_question(
        session_pk=chat.pk,
        max_length=chat.question_max_length,
        display_name=name,
        text=text,
        submission_token=uuid.uuid4(),
        client_hash="demo",
        language="da",
        now=at,
    )
    return question


def _chat_pair(
    chat: ChatSession,
    name: str,
    text: str,
    moderator: User,
    politician: User,
    answer: str,
    at: datetime,
) -> None:
    question = _chat_question(chat, name, text, at)
    minute = timedelta(minutes=1)
    chat_actions.assign_question(
        question=question, moderator=moderator, politician=politician, now=at + minute
    )
    chat_actions.answer_question(
        question=question, politician=politician, text=answer, now=at + 4 * minute
    )
