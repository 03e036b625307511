"""The whole dialogue loop, done by the people themselves in Chromium.

Olga sets up a dialogue through the mission-card form and schedules it; Carla contributes
anonymously with an e-mail address and keeps her receipt; Alice (with her second factor)
rejects another contribution citing a rule and approves Carla's; Carla sees her contribution
on the public page; Olga closes the dialogue and publishes the feedback report, which Carla
then reads on the public page and hears about by e-mail. Nothing depends on JavaScript:
every step is a link or an ordinary form post.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone
from playwright.sync_api import expect

from torget.accounts.models import Committee, User
from torget.browser.conftest import NewContext, sign_in_staff, submit
from torget.dialogues.models import (
    Dialogue,
    DialogueEvent,
    DialogueState,
    FeedbackNotice,
    Post,
    PostStatus,
)
from torget.moderation.models import Decision, DecisionKind, RuleSet

pytestmark = pytest.mark.browser

TITLE = "Ny legeplads i Nørreparken"
CARLA_TEXT = "Der mangler skygge ved sandkassen. Plant gerne et par træer."
DENNIS_TEXT = "Hvornår bliver fortovet på Skolevej repareret?"
REASON = "Et spørgsmål til Vej og Park, ikke om legepladsen."


def local_input(moment: datetime) -> str:
    """How a datetime-local field shows a moment: wall-clock time in the authority's zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_dialogue_from_mission_card_to_published_feedback(
    new_context: NewContext,
    committee: Committee,
    olga: User,
    alice: User,
    mailoutbox: list[EmailMessage],
) -> None:
    # Olga sets up the dialogue through the mission-card form.
    olga_page = new_context().new_page()
    sign_in_staff(olga_page, olga)
    submit(olga_page, olga_page.locator("main a[href='/staff/dialogues/new/']"))
    opens_at = (timezone.now() - timedelta(hours=1)).replace(second=0, microsecond=0)
    closes_at = opens_at + timedelta(days=14)
    feedback_due = timezone.localdate(closes_at) + timedelta(days=30)
    olga_page.locator("#id_title").fill(TITLE)
    olga_page.locator("#id_slug").fill("legeplads")
    olga_page.locator("#id_assignment").fill("Hvad skal den nye legeplads kunne?")
    olga_page.locator("#id_commissioned_by").select_option(label=committee.name)
    olga_page.locator("input[name=participation_level][value=involve]").check()
    olga_page.locator("#id_open_to_influence").fill("Redskaber, beplantning og bænke.")
    olga_page.locator("#id_not_open_to_influence").fill("Placeringen og budgettet.")
    olga_page.locator("#id_input_handling").fill("Forvaltningen samler forslagene i et notat.")
    olga_page.locator("#id_opens_at").fill(local_input(opens_at))
    olga_page.locator("#id_closes_at").fill(local_input(closes_at))
    olga_page.locator("#id_feedback_due").fill(feedback_due.isoformat())
    olga_page.locator("#id_case_number").fill("05.01.00-P20-1-26")
    olga_page.locator("input[name=moderation_mode][value=pre]").check()
    submit(olga_page, olga_page.locator("main form button[type=submit]"))

    dialogue = Dialogue.objects.get(slug="legeplads")
    assert olga_page.url.endswith(f"/staff/dialogues/{dialogue.pk}/")
    assert (dialogue.state, dialogue.owner, dialogue.title) == (DialogueState.DRAFT, olga, TITLE)
    # The wall-clock times Olga typed were read in the authority's zone.
    assert (dialogue.opens_at, dialogue.closes_at, dialogue.feedback_due) == (
        opens_at,
        closes_at,
        feedback_due,
    )
    assert dialogue.participation_level == "involve"

    # Its opening time has passed, so scheduling opens it at once.
    submit(olga_page, olga_page.locator("form[action$='/schedule/'] button"))
    dialogue.refresh_from_db()
    assert dialogue.state == DialogueState.OPEN
    expect(olga_page.locator("main .badge-open")).to_be_visible()
    assert list(
        dialogue.events.filter(kind=DialogueEvent.Kind.TRANSITION).values_list(
            "from_state", "to_state", "actor"
        )
    ) == [("draft", "scheduled", olga.pk), ("scheduled", "open", None)]

    # Carla finds it on the public list, without an account, and contributes.
    carla = new_context().new_page()
    carla.goto("/")
    submit(carla, carla.get_by_role("link", name=TITLE))
    expect(carla.locator("h1")).to_have_text(TITLE)
    expect(carla.locator("main")).to_contain_text("Redskaber, beplantning og bænke.")
    carla.locator("#id_display_name").fill("Carla")
    carla.locator("#id_text").fill(CARLA_TEXT)
    carla.locator("#id_email").fill("carla@example.org")
    submit(carla, carla.locator("form[action$='/contribute/'] button[type=submit]"))

    reference = carla.locator(".receipt-number").inner_text()
    assert re.fullmatch(r"T-[2-9A-Z]{4}-[2-9A-Z]{4}", reference)
    mine = Post.objects.get(reference=reference)
    assert (mine.dialogue, mine.text, mine.email, mine.status) == (
        dialogue,
        CARLA_TEXT,
        "carla@example.org",
        PostStatus.PENDING,
    )
    expect(carla.locator("main")).to_contain_text(CARLA_TEXT)
    # Pre-moderation: not on the public page before an official has read it.
    carla.goto(f"/d/{dialogue.slug}/")
    expect(carla.locator("#contributions")).not_to_contain_text(CARLA_TEXT)

    # She confirms her address with the link in the e-mail she was sent.
    (confirmation,) = [m for m in mailoutbox if m.to == ["carla@example.org"]]
    body = str(confirmation.body)
    link = re.search(r"/confirm-email/[^\s/]+/", body)
    assert link is not None and reference in body
    carla.goto(link.group(0))
    submit(carla, carla.locator("main form button[type=submit]"))
    mine.refresh_from_db()
    assert mine.email_confirmed_at is not None

    # Dennis, in a browser of his own, asks about something else.
    dennis = new_context().new_page()
    dennis.goto(f"/d/{dialogue.slug}/")
    dennis.locator("#id_display_name").fill("Dennis")
    dennis.locator("#id_text").fill(DENNIS_TEXT)
    submit(dennis, dennis.locator("form[action$='/contribute/'] button[type=submit]"))
    his = Post.objects.get(reference=dennis.locator(".receipt-number").inner_text())

    # Alice signs in with her second factor and works through the queue.
    alice_page = new_context().new_page()
    sign_in_staff(alice_page, alice)
    submit(alice_page, alice_page.locator("nav a[href='/staff/moderation/']"))
    expect(alice_page.locator("main article[data-queue-item]")).to_have_count(2)
    carla_item = alice_page.locator(f"#item-{mine.pk}")
    dennis_item = alice_page.locator(f"#item-{his.pk}")
    expect(carla_item).to_contain_text(CARLA_TEXT)
    expect(dennis_item).to_contain_text(DENNIS_TEXT)

    dennis_item.locator("input[name=rules][value=ON_TOPIC]").check()
    dennis_item.locator("textarea[name=note]").fill(
        "Et spørgsmål til Vej og Park, ikke om legepladsen."
    )
    submit(alice_page, dennis_item.locator("button[value=reject]"))
    expect(alice_page.locator("main article[data-queue-item]")).to_have_count(1)
    expect(alice_page.locator(".messages")).to_contain_text(his.reference)

    submit(alice_page, alice_page.locator(f"#item-{mine.pk} button[value=approve]"))
    expect(alice_page.locator("main article[data-queue-item]")).to_have_count(0)

    rejection = Decision.objects.get(contribution=his)
    rule_set = RuleSet.objects.get(organisation=dialogue.organisation)
    assert (rejection.kind, rejection.moderator, rejection.rule_set, rule_set.version) == (
        DecisionKind.REJECT,
        alice,
        rule_set,
        1,
    )
    assert list(rejection.rules.values_list("code", flat=True)) == ["ON_TOPIC"]
    assert rejection.note == REASON
    approval = Decision.objects.get(contribution=mine)
    assert (approval.kind, approval.moderator) == (DecisionKind.APPROVE, alice)
    mine.refresh_from_db()
    his.refresh_from_db()
    assert (mine.status, his.status) == (PostStatus.APPROVED, PostStatus.REJECTED)
    # Carla confirmed her address, so she is told; Dennis gave none.
    assert len([m for m in mailoutbox if m.to == ["carla@example.org"]]) == 2

    # Carla sees her contribution published, and Dennis's is not shown.
    carla.goto(f"/d/{dialogue.slug}/")
    published = carla.locator("#contributions .contribution")
    expect(published).to_have_count(1)
    expect(published).to_contain_text(CARLA_TEXT)
    expect(carla.locator("#contributions")).not_to_contain_text(DENNIS_TEXT)
    # Dennis's receipt tells him which rule was applied and how to ask for a review.
    dennis.reload()
    expect(dennis.locator("main")).to_contain_text("Hold dig til emnet")
    expect(dennis.locator("main")).not_to_contain_text("ON_TOPIC")
    expect(dennis.locator("main")).to_contain_text("dialog@testby.example")

    # Olga closes the dialogue and publishes the feedback report.
    olga_page.goto(f"/staff/dialogues/{dialogue.pk}/")
    submit(olga_page, olga_page.locator("form[action$='/close/'] button"))
    dialogue.refresh_from_db()
    assert dialogue.state == DialogueState.CLOSED
    submit(olga_page, olga_page.locator(f"main a[href='/staff/dialogues/{dialogue.pk}/feedback/']"))
    olga_page.locator("#id_what_came_in").fill("To borgere skrev. Ønsket var mere skygge.")
    olga_page.locator("#id_how_it_was_used").fill("Forslaget om træer indgik i notatet.")
    olga_page.locator("#id_what_was_decided").fill("Udvalget planter fire lindetræer i 2026.")
    submit(olga_page, olga_page.locator("main form button[name=publish]"))
    dialogue.refresh_from_db()
    assert dialogue.state == DialogueState.FEEDBACK_PUBLISHED
    assert dialogue.feedback_report.published_at is not None
    assert list(FeedbackNotice.objects.values_list("email", flat=True)) == ["carla@example.org"]
    assert len([m for m in mailoutbox if m.to == ["carla@example.org"]]) == 3

    # Carla reads what became of it; the form is gone.
    carla.goto(f"/d/{dialogue.slug}/")
    report = carla.locator("section[aria-labelledby=feedback-heading]")
    expect(report).to_contain_text("To borgere skrev. Ønsket var mere skygge.")
    expect(report).to_contain_text("Forslaget om træer indgik i notatet.")
    expect(report).to_contain_text("Udvalget planter fire lindetræer i 2026.")
    expect(carla.locator("form[action$='/contribute/']")).to_have_count(0)
    expect(carla.locator("#contributions")).to_contain_text(CARLA_TEXT)
