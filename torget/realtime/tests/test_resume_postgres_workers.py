"""With `torget serve --workers 2` and the PostgreSQL broker, every event reaches the viewers
of both worker processes, whichever process published it; and a viewer that drops and
reconnects gets exactly what it missed, whichever worker answers the reconnection."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from torget.realtime.tests.conftest import on_postgres, publish_committed
from torget.realtime.tests.sse_client import Address, LiveStream

STREAM = "chat-9"
ATTEMPTS = 40
AT_ONCE = 4  # publications sent together


def _one_viewer_per_worker(server: Address, after: int) -> dict[int, LiveStream]:
    """Open viewers until each of the two workers serves one (the kernel picks the worker)."""
    viewers: dict[int, LiveStream] = {}
    spare: list[LiveStream] = []
    for _attempt in range(ATTEMPTS):
        viewer = server.open(f"/live/{STREAM}/", query={"last_event_id": str(after)})
        assert viewer.status == 200, viewer.body()
        pid = int(viewer.header("X-Worker-Pid") or 0)
        if pid in viewers:
            spare.append(viewer)
        else:
            viewers[pid] = viewer
        if len(viewers) == 2:
            break
    for viewer in spare:
        viewer.close()
    assert len(viewers) == 2, f"{ATTEMPTS} connections all went to worker {list(viewers)}"
    return viewers


def _publish_through_each_worker(server: Address, note: str) -> set[int]:
    """Publish over HTTP until both workers have published at least once. A few at a time:
    one after another, each new connection tends to go to the worker that just served the
    last one, which is idle again first."""
    publishers: set[int] = set()
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        for attempt in range(ATTEMPTS):
            forms = [{"note": f"{note}{attempt}.{n}"} for n in range(AT_ONCE)]
            answers = pool.map(lambda form: server.post(f"/publish/{STREAM}/", form), forms)
            publishers.update(answer["pid"] for answer in answers)
            if len(publishers) == 2:
                break
    assert len(publishers) == 2, f"every publication went to worker {publishers}"
    return publishers


@on_postgres
def test_every_worker_delivers_every_event_and_a_reconnect_misses_nothing(
    postgres_workers: Address,
) -> None:
    # Given a stream with two events, and a viewer on each of the two worker processes
    publish_committed(STREAM, note="before")
    publish_committed(STREAM, note="before")
    viewers = _one_viewer_per_worker(postgres_workers, after=2)
    (pid_a, carla), (pid_b, bob) = viewers.items()

    # When each worker publishes (over HTTP) and this test process publishes too
    workers_published = _publish_through_each_worker(postgres_workers, "live-")
    publish_committed(STREAM, note="from the test process")
    head = postgres_workers.post(f"/publish/{STREAM}/", {"note": "last live"})["seq"]

    # Then both viewers receive every event, in order, whoever published it
    live_numbers = list(range(3, head + 1))
    to_carla = carla.events(len(live_numbers))
    to_bob = bob.events(len(live_numbers))
    assert workers_published == {pid_a, pid_b}
    assert [event.id for event in to_carla] == live_numbers
    assert [event.id for event in to_bob] == live_numbers
    assert {event.data.get("pid") for event in to_carla} >= {pid_a, pid_b}

    # When Carla's connection drops, three events are published, and she reconnects
    carla.close()
    missed_from = head + 1
    for note in ("away 1", "away 2"):
        postgres_workers.post(f"/publish/{STREAM}/", {"note": note})
    publish_committed(STREAM, note="away 3")
    carla = postgres_workers.open(
        f"/live/{STREAM}/", query={"last_event_id": "2"}, last_event_id=str(to_carla[-1].id)
    )
    after_reconnect = carla.events(3)
    newest = postgres_workers.post(f"/publish/{STREAM}/", {"note": "back"})["seq"]
    after_reconnect += carla.events(1)

    # Then she receives exactly the three she missed and then the new one
    assert [event.id for event in after_reconnect] == list(range(missed_from, newest + 1))
    assert [event.data["note"] for event in after_reconnect] == [
        "away 1",
        "away 2",
        "away 3",
        "back",
    ]
    # And Bob, still connected to his worker, received all of it once
    assert [event.id for event in bob.events(4)] == list(range(missed_from, newest + 1))
    carla.close()
    bob.close()
