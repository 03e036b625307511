"""A Last-Event-ID that is not a number, or is beyond the stream's newest event, gets a
400 that says what is wrong (an EventSource stops on it instead of retrying forever)."""

from __future__ import annotations

import pytest
from django.test import Client

from torget.realtime.actions import publish
from torget.realtime.wire import InvalidEventId, parse_event_id

TEST_URLS = "torget.realtime.tests.urls"
NOT_A_NUMBER = (
    "Last-Event-ID must be the number of the last event received, written with the digits 0-9 only."
)
GARBAGE = ["abc", "-1", "1.5", "+5", " 5", "5 ", "1_0", "0x10", "٣", "１２", "7\n", "9" * 20]


@pytest.mark.urls(TEST_URLS)
@pytest.mark.parametrize("value", GARBAGE)
def test_a_header_that_is_not_a_number_is_refused(client: Client, db: None, value: str) -> None:
    response = client.get("/live/chat-4/", headers={"Last-Event-ID": value})

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == NOT_A_NUMBER


@pytest.mark.urls(TEST_URLS)
def test_a_query_parameter_that_is_not_a_number_is_refused(client: Client, db: None) -> None:
    response = client.get("/live/chat-4/", {"last_event_id": "latest"})

    assert response.status_code == 400
    assert response.content.decode() == NOT_A_NUMBER


@pytest.mark.urls(TEST_URLS)
@pytest.mark.parametrize(
    ("headers", "query"),
    [({"Last-Event-ID": "4"}, {}), ({}, {"last_event_id": "4"})],
    ids=["header", "query"],
)
def test_a_number_from_the_future_is_refused(
    client: Client, db: None, headers: dict[str, str], query: dict[str, str]
) -> None:
    # Given a stream whose newest event is number 3
    for number in range(3):
        publish(stream="chat-4", kind="test.note", payload={"n": number})
    # When a viewer claims to have seen number 4
    response = client.get("/live/chat-4/", query, headers=headers)
    # Then it is told so, with the newest number
    assert response.status_code == 400
    assert response.content.decode() == (
        "Last-Event-ID 4 is from the future: the newest event on this stream is number 3. "
        "Reload the page to start again."
    )


@pytest.mark.urls(TEST_URLS)
def test_any_number_is_from_the_future_on_a_stream_with_no_events(client: Client, db: None) -> None:
    response = client.get("/live/never-used/", headers={"Last-Event-ID": "1"})

    assert response.status_code == 400
    assert "newest event on this stream is number 0" in response.content.decode()


@pytest.mark.parametrize(("raw", "number"), [(None, None), ("", None), ("0", 0), ("007", 7)])
def test_plain_digits_are_read_as_the_number(raw: str | None, number: int | None) -> None:
    assert parse_event_id(raw) == number


@pytest.mark.parametrize("raw", GARBAGE)
def test_anything_else_is_not_an_event_number(raw: str) -> None:
    with pytest.raises(InvalidEventId):
        parse_event_id(raw)
