"""The request side of the one intake: what every web form a citizen posts through does with
a form its channel has read and found valid -- the spam trap, the client's flood limit, the
store step's refusals shown as pages, and the receipt -- in one place, so the dialogue page's
contribution form, a live chat's question form and any channel to come cannot drift apart.

A channel brings only what is its own: a `Channel` (the flood limit's scope and settings, its
receipt page), a store function that calls its action (``intake.submit_contribution``,
``livechat.actions.ask_question``) and says how it went, and the pages that show its dialogue
or chat. What may be stored, the window and the blocks are decided by that action.

A form sent again (a double click, the back button, a retry over a poor connection) gets the
receipt of what it stored the first time, with a note saying so, whatever refuses it the
second time: the flood limit, a window closed since, a block since.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from torget.core.clients import client_hash, hit_rate_limit
from torget.dialogues.forms import CitizenPostForm
from torget.dialogues.models import Dialogue
from torget.dialogues.queries import stored_post_reference
from torget.moderation.models import Block


@dataclass(frozen=True, slots=True)
class Channel:
    """What tells one web form's posts from another's: the scope of its flood limit, the names
    of the settings that size it (read on every request, so a changed setting applies at
    once), and the URL name of its receipt page (which takes ``reference``)."""

    rate_scope: str
    rate_limit_setting: str
    rate_window_setting: str
    receipt_url: str

    @property
    def rate_limit(self) -> int:
        """How many posts one client may send within the window."""
        return int(getattr(settings, self.rate_limit_setting))

    @property
    def rate_window_seconds(self) -> int:
        return int(getattr(settings, self.rate_window_setting))


@dataclass(frozen=True, slots=True)
class Stored:
    """The post is stored: by this form (``created``), or by the same form sent before."""

    reference: str
    created: bool


@dataclass(frozen=True, slots=True)
class NotOpen:
    """The channel took no posts at that moment. ``page`` renders the channel's page saying
    so (409); it is called only when the form had not stored a post before."""

    page: Callable[[], HttpResponse]


@dataclass(frozen=True, slots=True)
class Blocked:
    """A block in force covers the post's dialogue and the address given."""

    dialogue: Dialogue
    block: Block


Outcome: TypeAlias = Stored | NotOpen | Blocked


def receive(
    request: HttpRequest,
    channel: Channel,
    form: CitizenPostForm,
    *,
    store: Callable[[str], Outcome],
    dialogue: Callable[[], Dialogue],
    rate_limited: Callable[[], HttpResponse],
) -> HttpResponse:
    """Take a valid form's post in, in the same steps for every channel:

    1. a form that filled in the hidden trap field is refused (400) and nothing is stored;
    2. the client's flood limit: past it, the page ``rate_limited`` renders (429);
    3. ``store(client_hash)`` calls the channel's action: not open (409) or blocked (403);
    4. the receipt page, with a note when the same form had stored its post before.

    Refused at step 2 or 3, a form that had stored its post before gets its receipt instead.
    ``dialogue`` gives the dialogue the post goes to, for the trap's page; it and
    ``rate_limited`` are called only when needed (they read what they show).
    """
    if form.is_spam:
        return refused_spam(request, dialogue())
    token: uuid.UUID = form.cleaned_data["submission_token"]
    client = client_hash(request)
    if hit_rate_limit(
        scope=channel.rate_scope,
        key=client,
        limit=channel.rate_limit,
        window_seconds=channel.rate_window_seconds,
    ):
        return _receipt_if_sent_before(request, channel, token) or rate_limited()
    outcome = store(client)
    if isinstance(outcome, NotOpen):
        return _receipt_if_sent_before(request, channel, token) or outcome.page()
    if isinstance(outcome, Blocked):
        return _receipt_if_sent_before(request, channel, token) or _blocked(
            request, outcome.dialogue, outcome.block
        )
    if not outcome.created:
        return _receipt_again(request, channel, outcome.reference)
    return redirect(channel.receipt_url, reference=outcome.reference)


def refused_spam(request: HttpRequest, dialogue: Dialogue) -> HttpResponse:
    """The page for a form that filled in the hidden trap field: nothing was stored."""
    return render(request, "dialogues/refused_spam.html", {"dialogue": dialogue}, status=400)


def _blocked(request: HttpRequest, dialogue: Dialogue, block: Block) -> HttpResponse:
    """The page for a post from an address under a block in force: until when, and where to
    complain."""
    context = {"dialogue": dialogue, "restriction": block}
    return render(request, "moderation/blocked.html", context, status=403)


def _receipt_if_sent_before(
    request: HttpRequest, channel: Channel, token: uuid.UUID
) -> HttpResponse | None:
    """The receipt of what this form stored the first time, whatever has changed since;
    ``None`` when it stored nothing."""
    reference = stored_post_reference(token)
    return None if reference is None else _receipt_again(request, channel, reference)


def receipt_if_sent_before(
    request: HttpRequest, channel: Channel, form: CitizenPostForm
) -> HttpResponse | None:
    """For a view that refuses a form before ``receive``: the receipt of what the same form
    stored before, or ``None`` (also for a form that does not even read as one)."""
    if not form.is_valid():
        return None
    return _receipt_if_sent_before(request, channel, form.cleaned_data["submission_token"])


def _receipt_again(request: HttpRequest, channel: Channel, reference: str) -> HttpResponse:
    messages.info(request, _("This form was already sent; here is your receipt."))
    return redirect(channel.receipt_url, reference=reference)
