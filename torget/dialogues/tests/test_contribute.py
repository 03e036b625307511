"""Citizens contribute to open dialogues: stored durably first, then a receipt; bad input is
refused clearly and nothing stored is lost or changed."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from torget.accounts.models import User
from torget.dialogues import actions as dialogue_actions
from torget.dialogues.models import Dialogue, ModerationMode, Post, PostStatus
from torget.moderation import intake


def form(**overrides: Any) -> dict[str, Any]:
    data = {
        "display_name": "Carla",
        "text": "Linjeføring B er tryggest for børnene.",
        "email": "",
        "website": "",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def post(client: Client, dialogue: Dialogue, data: dict[str, Any], **extra: Any) -> Any:
    return client.post(f"/d/{dialogue.slug}/contribute/", data, **extra)


def test_a_contribution_is_stored_before_the_receipt_is_shown(
    client: Client, open_dialogue: Dialogue
) -> None:
    response = post(client, open_dialogue, form())
    assert response.status_code == 302
    stored = Post.objects.get()
    assert response["Location"] == f"/receipt/{stored.reference}/"
    assert stored.text == "Linjeføring B er tryggest for børnene."
    assert stored.status == PostStatus.PENDING

    receipt = client.get(response["Location"])
    assert stored.reference in receipt.content.decode()
    # Pre-moderated: not on the public page yet.
    assert "tryggest" not in client.get(f"/d/{open_dialogue.slug}/").content.decode()


def test_post_moderated_contributions_show_at_once(
    client: Client, make_dialogue: Callable[..., Dialogue]
) -> None:
    dialogue = make_dialogue(moderation_mode="post")
    post(client, dialogue, form())
    assert Post.objects.get().status == PostStatus.PUBLISHED_UNREVIEWED
    assert "tryggest" in client.get(f"/d/{dialogue.slug}/").content.decode()


def test_after_closing_the_contribution_is_refused_and_nothing_is_stored(
    client: Client, make_dialogue: Callable[..., Dialogue]
) -> None:
    now = timezone.now()
    dialogue = make_dialogue(opens_at=now - timedelta(days=2), closes_at=now - timedelta(seconds=1))
    response = post(client, dialogue, form())
    assert response.status_code == 409
    assert "not open" in response.content.decode()
    assert Post.objects.count() == 0


def test_the_announced_closing_time_decides_even_before_the_clock_ticks(
    client: Client, open_dialogue: Dialogue
) -> None:
    # The stored state still says open, but the closing time has passed.
    Dialogue.objects.filter(pk=open_dialogue.pk).update(
        closes_at=timezone.now() - timedelta(seconds=1),
        opens_at=timezone.now() - timedelta(days=1),
    )
    assert post(client, open_dialogue, form()).status_code == 409
    assert Post.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("text", "", "This field is required"),
        ("text", "   \n  ", "This field is required"),
        ("text", "x" * 2001, "at most 2000 characters"),
        ("text", "hej\x00med\x07kontrol", "control characters"),
        ("display_name", "", "This field is required"),
        ("email", "not-an-address", "valid email"),
    ],
)
def test_bad_input_gets_a_clear_error_and_nothing_is_stored(
    client: Client, open_dialogue: Dialogue, field: str, value: str, message: str
) -> None:
    response = post(client, open_dialogue, form(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Post.objects.count() == 0


def test_html_is_stored_as_typed_and_shown_as_text(
    client: Client, open_dialogue: Dialogue, contribute: Callable[..., Post], alice: Any
) -> None:
    from torget.moderation.actions import approve_contribution

    text = '<script>alert("x")</script> <b>fed</b>'
    contribution = contribute(open_dialogue, text, display_name="<img src=x onerror=alert(1)>")
    approve_contribution(contribution=contribution, moderator=alice)
    page = client.get(f"/d/{open_dialogue.slug}/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    contribution.refresh_from_db()
    assert contribution.text == text


def test_a_second_submit_of_the_same_form_stores_nothing_new(
    client: Client, open_dialogue: Dialogue
) -> None:
    data = form()
    first = post(client, open_dialogue, data)
    second = post(client, open_dialogue, data)
    assert Post.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_the_same_form_sent_again_after_the_dialogue_closed_gives_its_receipt(
    client: Client, open_dialogue: Dialogue, olga: User
) -> None:
    data = form()
    first = post(client, open_dialogue, data)
    dialogue_actions.close_dialogue(dialogue=open_dialogue, actor=olga)
    # The same form again (the back button) gets its receipt; a new one is refused
    client.cookies["torget_language"] = "en"
    again = post(client, open_dialogue, data)
    assert (again.status_code, again["Location"]) == (302, first["Location"])
    assert "This form was already sent" in client.get(again["Location"]).content.decode()
    assert post(client, open_dialogue, form()).status_code == 409
    assert Post.objects.count() == 1


def test_the_hidden_honeypot_field_refuses_robots(client: Client, open_dialogue: Dialogue) -> None:
    response = post(client, open_dialogue, form(website="http://spam.example"))
    assert response.status_code == 400
    assert Post.objects.count() == 0


def test_a_flood_from_one_client_is_slowed_down(client: Client, open_dialogue: Dialogue) -> None:
    statuses = [post(client, open_dialogue, form()).status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]
    assert Post.objects.count() == 5


def test_a_missing_csrf_token_is_refused_with_an_explanation(open_dialogue: Dialogue) -> None:
    client = Client(enforce_csrf_checks=True)
    client.cookies["torget_language"] = "en"
    response = post(client, open_dialogue, form())
    assert response.status_code == 403
    assert "Nothing was stored" in response.content.decode()
    assert Post.objects.count() == 0


def test_drafts_are_not_public(client: Client, make_dialogue: Callable[..., Dialogue]) -> None:
    draft = make_dialogue(schedule=False, slug="kladde")
    assert client.get(f"/d/{draft.slug}/").status_code == 404
    assert post(client, draft, form()).status_code == 404


def test_email_is_confirmed_by_a_signed_link_before_anything_else_is_sent(
    client: Client, open_dialogue: Dialogue, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post(client, open_dialogue, form(email="carla@example.org"))
    contribution = Post.objects.get()
    assert contribution.email_confirmed_at is None
    assert len(mail.outbox) == 1
    confirmation = mail.outbox[0]
    assert confirmation.to == ["carla@example.org"]
    link = next(line for line in confirmation.body.splitlines() if "/confirm-email/" in line)
    path = link[link.index("/confirm-email/") :]

    # Opening the link (or a mail scanner prefetching it) does not confirm by itself.
    assert client.get(path).status_code == 200
    contribution.refresh_from_db()
    assert contribution.email_confirmed_at is None

    assert client.post(path).status_code == 200
    contribution.refresh_from_db()
    assert contribution.email_confirmed_at is not None


def test_a_tampered_confirmation_link_is_refused(
    client: Client, open_dialogue: Dialogue, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post(client, open_dialogue, form(email="carla@example.org"))
    body = mail.outbox[0].body
    token = body[body.index("/confirm-email/") + len("/confirm-email/") :].split("/")[0]
    response = client.post(f"/confirm-email/{token[:-2]}xx/")
    assert response.status_code == 400
    assert Post.objects.get().email_confirmed_at is None


def test_a_submission_is_not_looked_up_before_it_is_stored_and_costs_fixed_queries(
    client: Client, open_dialogue: Dialogue
) -> None:
    post(client, open_dialogue, form())  # warm-up: the clock tick and the cached authority
    with CaptureQueriesContext(connection) as captured:
        response = post(client, open_dialogue, form())
    assert response.status_code == 302
    statements = [query["sql"] for query in captured.captured_queries]
    token_lookups = [
        sql
        for sql in statements
        if sql.startswith("SELECT") and "submission_token" in sql.split("WHERE")[-1]
    ]
    # The token's unique constraint is what catches a form sent twice.
    assert token_lookups == []
    # The dialogue is read once, under the write lock (what decides is read where it holds),
    # and without its committee and authority (no page is rendered).
    dialogue_reads = [sql for sql in statements if 'FROM "dialogues_dialogue"' in sql]
    assert len(dialogue_reads) == 1, dialogue_reads
    assert not [sql for sql in statements if "JOIN" in sql], statements
    # In one transaction: the dialogue, the contribution, the chain head, the archive entry
    # and its content, the new chain head.
    assert len(statements) <= 8, statements


def test_a_dialogue_closed_while_the_form_was_sent_refuses_it(
    open_dialogue: Dialogue, olga: User, contribute: Callable[..., Post]
) -> None:
    # The view fetched the dialogue while it was open; the owner closes it before the
    # contribution is stored. What is read again under the lock decides.
    seen_open = Dialogue.objects.get(pk=open_dialogue.pk)
    dialogue_actions.close_dialogue(dialogue=open_dialogue, actor=olga)
    with pytest.raises(intake.DialogueNotOpen):
        contribute(seen_open)
    assert Post.objects.count() == 0


def test_a_switch_to_post_moderation_while_the_form_was_sent_applies_to_it(
    open_dialogue: Dialogue, contribute: Callable[..., Post]
) -> None:
    seen_pre = Dialogue.objects.get(pk=open_dialogue.pk)
    Dialogue.objects.filter(pk=open_dialogue.pk).update(moderation_mode=ModerationMode.POST)
    assert contribute(seen_pre).status == PostStatus.PUBLISHED_UNREVIEWED
