"""The transparency page counts decisions per calendar month and rule, with the months cut in
the authority's own time zone rather than the server's, those on live-chat questions too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.test import Client
from django.utils import timezone
from pytest_django import Settings

from torget.accounts.models import User
from torget.dialogues.models import Dialogue, Post
from torget.livechat.actions import approve_question, assign_question, reject_question
from torget.livechat.models import ChatSession, Question
from torget.moderation.actions import approve_contribution, refer_contribution, reject_contribution
from torget.moderation.tests.html_tables import row_for, table_rows, title

HEADER = ["Rule", "Approved", "Rejected", "Referred to customer service", "All"]


def _start_of_this_month_in_copenhagen() -> datetime:
    local = timezone.localtime(timezone.now(), ZoneInfo("Europe/Copenhagen"))
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def test_a_decision_just_after_local_midnight_on_the_first_counts_in_the_new_month(
    client: Client,
    settings: Settings,
    alice: User,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
) -> None:
    # Given a server that keeps its clock in UTC, and Testby Kommune in Europe/Copenhagen,
    settings.TIME_ZONE = "UTC"
    start = _start_of_this_month_in_copenhagen()
    this_month, last_month = start.strftime("%Y-%m"), (start - timedelta(days=1)).strftime("%Y-%m")
    # when Alice rejects one contribution at 23:30 on the last evening of the old month and one
    # at 00:30 on the 1st, local time (in UTC both are still in the old month),
    reject_contribution(
        contribution=contribute(open_dialogue, "Første"),
        moderator=alice,
        rule_codes=["THREATS"],
        now=start - timedelta(minutes=30),
    )
    reject_contribution(
        contribution=contribute(open_dialogue, "Anden"),
        moderator=alice,
        rule_codes=["THREATS"],
        now=start + timedelta(minutes=30),
    )
    # and approves one and refers one without citing any rule just after,
    approve_contribution(
        contribution=contribute(open_dialogue, "Tredje"),
        moderator=alice,
        now=start + timedelta(minutes=31),
    )
    refer_contribution(
        contribution=contribute(open_dialogue, "Fjerde"),
        moderator=alice,
        now=start + timedelta(minutes=32),
    )
    page = client.get("/transparency/").content.decode()

    # then each month has its own table, with the decisions where Copenhagen's calendar has them.
    old = table_rows(page, f"table-{last_month}")
    assert old[0] == HEADER
    assert row_for(old, title("THREATS"))[1:] == ["0", "1", "0", "1"]
    assert row_for(old, "All decisions")[1:] == ["0", "1", "0", "1"]
    assert not any("No rule cited" in row[0] for row in old)

    new = table_rows(page, f"table-{this_month}")
    assert row_for(new, title("THREATS"))[1:] == ["0", "1", "0", "1"]
    assert row_for(new, "No rule cited")[1:] == ["1", "0", "1", "2"]
    assert row_for(new, "All decisions")[1:] == ["1", "1", "1", "3"]
    # The newest month comes first.
    assert page.index(f"table-{this_month}") < page.index(f"table-{last_month}")


def test_a_decision_citing_two_rules_counts_under_each_but_once_in_the_total(
    client: Client, alice: User, open_dialogue: Dialogue, contribute: Callable[..., Post]
) -> None:
    # Given a rejection citing two rules and another citing one,
    reject_contribution(
        contribution=contribute(open_dialogue, "Første"),
        moderator=alice,
        rule_codes=["RESPECT", "ON_TOPIC"],
    )
    reject_contribution(
        contribution=contribute(open_dialogue, "Anden"), moderator=alice, rule_codes=["RESPECT"]
    )
    # when anyone opens the transparency page,
    page = client.get("/transparency/").content.decode()

    # then each rule row counts the decisions citing it, and the total counts decisions.
    month = timezone.localtime(timezone.now(), ZoneInfo("Europe/Copenhagen")).strftime("%Y-%m")
    rows = table_rows(page, f"table-{month}")
    assert row_for(rows, title("RESPECT"))[1:] == ["0", "2", "0", "2"]
    assert row_for(rows, title("ON_TOPIC"))[1:] == ["0", "1", "0", "1"]
    assert row_for(rows, "All decisions")[1:] == ["0", "2", "0", "2"]
    # Rules follow the published order (ON_TOPIC is rule 1), not the order of the counts.
    assert [row[0] for row in rows[1:3]] == [title("ON_TOPIC"), title("RESPECT")]


def test_decisions_older_than_a_year_are_left_out(
    client: Client, alice: User, open_dialogue: Dialogue, contribute: Callable[..., Post]
) -> None:
    # Given one rejection thirteen months ago,
    start = _start_of_this_month_in_copenhagen()
    long_ago = (start - timedelta(days=370)).replace(day=15)
    reject_contribution(
        contribution=contribute(open_dialogue, "Gammel"),
        moderator=alice,
        rule_codes=["RESPECT"],
        now=long_ago,
    )
    # when the page is opened, then it is not counted.
    page = client.get("/transparency/").content.decode()
    assert f"table-{long_ago.strftime('%Y-%m')}" not in page
    assert "No moderation decisions were made in this period." in page


def test_decisions_on_live_chat_questions_count_with_those_on_contributions(
    client: Client,
    alice: User,
    bob: User,
    vera: User,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    chat: ChatSession,
    ask: Callable[..., Question],
) -> None:
    # Given a contribution rejected under THREATS,
    reject_contribution(
        contribution=contribute(open_dialogue, "Første"), moderator=alice, rule_codes=["THREATS"]
    )
    # and in a live chat a question rejected under THREATS, one approved and then handed to
    # Bob, and one handed straight to Vera and then on to Bob,
    reject_question(question=ask(chat, "Et spørgsmål"), moderator=alice, rule_codes=["THREATS"])
    approved = approve_question(question=ask(chat, "Et andet spørgsmål"), moderator=alice)
    assign_question(question=approved, moderator=alice, politician=bob)
    handed = assign_question(
        question=ask(chat, "Et tredje spørgsmål"), moderator=alice, politician=vera
    )
    assign_question(question=handed, moderator=alice, politician=bob)
    # when anyone opens the transparency page,
    page = client.get("/transparency/").content.decode()

    # then both rejections count under THREATS, and each question is approved once: handing
    # a pending question to a politician approves it, handing it on decides nothing new.
    month = timezone.localtime(timezone.now(), ZoneInfo("Europe/Copenhagen")).strftime("%Y-%m")
    rows = table_rows(page, f"table-{month}")
    assert row_for(rows, title("THREATS"))[1:] == ["0", "2", "0", "2"]
    assert row_for(rows, "No rule cited")[1:] == ["2", "0", "0", "2"]
    assert row_for(rows, "All decisions")[1:] == ["2", "2", "0", "4"]
    assert "a question handed to a politician counts as approved" in page
