"""`torget tick`: open and close dialogues whose time has come (for cron; pages do it too)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from torget.dialogues.actions import advance_dialogues, forget_old_client_hashes
from torget.livechat import actions as chat_actions
from torget.moderation.actions import record_ended_blocks


class Command(BaseCommand):
    help = (
        "Open and close dialogues at their announced times; close live chats whose window "
        "has ended; forget old client hashes; "
        "record the end of blocks that have run out."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        moved = advance_dialogues()
        chats = chat_actions.close_due_chats()
        forgotten = forget_old_client_hashes()
        ended = record_ended_blocks()
        self.stdout.write(
            f"{moved} dialogue(s) changed state; {chats} live chat(s) closed; "
            f"{forgotten} old client hash(es) forgotten; "
            f"{ended} ended block(s) recorded"
        )
