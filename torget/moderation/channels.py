"""What a channel's own app does when moderation decides on one of its posts.

Moderation works on every post the same way, whatever channel it came by. A channel whose posts
live on beside the decision -- a live chat's consoles and its public list of waiting questions,
and (issue "Social-media channels") a platform on which a comment must be hidden -- registers
``ChannelHooks`` for its channel when its app is ready. Moderation calls them inside the deciding
transaction, last, after the decision and its archive entry are recorded and with the post's row
locked (a hook may publish to live streams: streams are always locked after the archive's chain
head); anything that reaches the outside world waits for the commit. Moderation never
imports a channel's app (docs/decisions/0004-one-post-one-moderation.md).
"""

from __future__ import annotations

from typing import Protocol

from torget.dialogues.models import Post
from torget.moderation.models import Decision


class ChannelHooks(Protocol):
    def decided(self, post: Post, decision: Decision) -> None:
        """``decision`` on ``post`` is recorded (the post's row is locked, the transaction is
        still open): carry it out in the channel."""


_hooks: dict[str, ChannelHooks] = {}


def register(channel: str, hooks: ChannelHooks) -> None:
    _hooks[channel] = hooks


def decided(post: Post, decision: Decision) -> None:
    hooks = _hooks.get(post.channel)
    if hooks is not None:
        hooks.decided(post, decision)
