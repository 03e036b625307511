"""`torget tick`: write what the clock implies — open and close dialogues at their announced
times, close live chats whose time is up, forget old client hashes, record ended blocks.

Pages only show what the announced times imply and never write it; this command does. Run
it from cron (``* * * * * torget tick``), or keep it running with ``--every SECONDS`` as
``make run`` does.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from torget.dialogues.actions import advance_dialogues, forget_old_client_hashes
from torget.livechat import actions as chat_actions
from torget.moderation.actions import record_ended_blocks


class Command(BaseCommand):
    help = (
        "Open and close dialogues at their announced times; close live chats whose window "
        "has ended (unanswered questions become “not reached”); forget old client hashes; "
        "record the end of blocks that have run out. Prints one line when something changed. "
        "With --every SECONDS it runs again after each pause until stopped (Ctrl+C or SIGTERM)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=float,
            metavar="SECONDS",
            help="run again every SECONDS until stopped, instead of once",
        )
        parser.add_argument(
            "--runs",
            type=int,
            metavar="N",
            help="with --every: stop after N runs",
        )

    def handle(self, *args: Any, every: float | None, runs: int | None, **options: Any) -> None:
        if every is None:
            if runs is not None:
                raise CommandError("--runs goes with --every")
            self._run()
            return
        if every <= 0 or (runs is not None and runs < 1):
            raise CommandError("--every needs a positive number of seconds, --runs at least 1")
        self._loop(every, runs)

    def _loop(self, every: float, runs: int | None) -> None:
        """Like Healthchecks' ``sendalerts``: run, pause, repeat. SIGTERM (how a service
        manager or ``make run`` stops it) ends the pause at once, like Ctrl+C."""
        stop = threading.Event()

        def on_sigterm(_signum: int, _frame: FrameType | None) -> None:
            stop.set()

        previous = signal.signal(signal.SIGTERM, on_sigterm)
        done = 0
        try:
            while not stop.is_set():
                try:
                    self._run()
                except Exception as error:  # a locked database, a lost connection: try next time
                    self.stderr.write(
                        f"{timezone.localtime():%Y-%m-%d %H:%M:%S} tick failed: {error!r}"
                    )
                done += 1
                if runs is not None and done >= runs:
                    break
                stop.wait(every)
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)

    def _run(self) -> None:
        moved = advance_dialogues()
        chats = chat_actions.close_due_chats()
        forgotten = forget_old_client_hashes()
        ended = record_ended_blocks()
        if moved or chats or forgotten or ended:
            self.stdout.write(
                f"{timezone.localtime():%Y-%m-%d %H:%M:%S} "
                f"{moved} dialogue(s) changed state; {chats} live chat(s) closed; "
                f"{forgotten} old client hash(es) forgotten; "
                f"{ended} ended block(s) recorded"
            )
