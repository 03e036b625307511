from __future__ import annotations

from django.apps import AppConfig


class LivechatConfig(AppConfig):
    name = "torget.livechat"
    verbose_name = "Live chat"

    def ready(self) -> None:
        # A moderation decision on a chat question moves it in the chat's consoles and lists.
        from torget.dialogues.models import PostChannel
        from torget.livechat.actions import ChatHooks
        from torget.moderation import channels

        channels.register(PostChannel.CHAT, ChatHooks())
