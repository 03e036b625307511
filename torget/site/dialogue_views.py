"""The pages of a dialogue that combine it with moderation: its public page with the
contribution form (the rules in force set the length; the one intake stores the post), the
staff overview with the moderation queue's count, and input typed in for it."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from torget.accounts.decorators import staff_required
from torget.accounts.http import StaffRequest, TorgetRequest
from torget.accounts.permissions import can_moderate
from torget.dialogues.actions import accepts_contributions
from torget.dialogues.forms import ContributionForm, OfflineInputForm
from torget.dialogues.lifecycle import effective_state
from torget.dialogues.models import Dialogue, OfflineSource
from torget.dialogues.permissions import (
    can_create_dialogue,
    can_enter_offline_input,
    can_follow_committee_dialogues,
    can_view_dialogue_in_staff,
)
from torget.dialogues.queries import (
    committee_dialogues,
    get_dialogue_for,
    get_dialogue_for_submission,
    get_public_dialogue,
    overdue_feedback,
    published_contributions,
    staff_dialogues,
)
from torget.moderation import intake, web_intake
from torget.moderation.queries import max_length_for, moderation_queue

CONTRIBUTIONS_PER_PAGE = 50


def _with_states(dialogues: list[Dialogue], now: datetime) -> list[dict[str, object]]:
    return [{"dialogue": d, "state": effective_state(d, now)} for d in dialogues]


def _detail_context(
    request: TorgetRequest, dialogue: Dialogue, form: ContributionForm | None
) -> dict[str, object]:
    now = timezone.now()
    accepting = accepts_contributions(dialogue, now)
    assert request.organisation is not None
    if form is None and accepting:
        form = ContributionForm(max_length=max_length_for(request.organisation))
    page = Paginator(published_contributions(dialogue), CONTRIBUTIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    report = getattr(dialogue, "feedback_report", None)
    return {
        "dialogue": dialogue,
        "state": effective_state(dialogue, now),
        "accepting": accepting,
        "not_yet_open": now < dialogue.opens_at,
        "form": form if accepting else None,
        "page": page,
        "report": report if report is not None and report.published_at else None,
    }


def dialogue_detail(request: TorgetRequest, slug: str) -> HttpResponse:
    if request.organisation is None:
        raise Http404
    dialogue = get_public_dialogue(request.organisation, slug)
    return render(request, "dialogues/detail.html", _detail_context(request, dialogue, None))


CONTRIBUTIONS = web_intake.Channel(
    rate_scope="contribute",
    rate_limit_setting="CONTRIBUTION_RATE_LIMIT",
    rate_window_setting="CONTRIBUTION_RATE_WINDOW_SECONDS",
    receipt_url="dialogues:receipt",
)


@require_POST
def contribute(request: TorgetRequest, slug: str) -> HttpResponse:
    # A submission that goes well reads its dialogue once, in the action, under the write
    # lock; only the pages that refuse it read the dialogue here.
    organisation = request.organisation
    if organisation is None:
        raise Http404
    now = timezone.now()
    form = ContributionForm(request.POST, max_length=max_length_for(organisation))
    if not form.is_valid() or form.is_spam:
        # A dialogue no longer open says so before anything about the form; a trapped form
        # is refused as such even with errors.
        dialogue = get_public_dialogue(organisation, slug)
        if not accepts_contributions(dialogue, now):
            return _not_open(request, dialogue)
        if form.is_spam:
            return web_intake.refused_spam(request, dialogue)
        context = _detail_context(request, dialogue, form)
        return render(request, "dialogues/detail.html", context, status=400)

    def store(client: str) -> web_intake.Outcome:
        try:
            contribution, created = intake.submit_contribution(
                organisation=organisation,
                slug=slug,
                display_name=form.cleaned_data["display_name"],
                text=form.cleaned_data["text"],
                email=form.cleaned_data["email"],
                submission_token=form.cleaned_data["submission_token"],
                client_hash=client,
                language=request.LANGUAGE_CODE,
                max_length=form.max_length,
                now=now,
            )
        except Dialogue.DoesNotExist:
            raise Http404(slug) from None
        except intake.DialogueNotOpen as refused:
            return web_intake.NotOpen(partial(_not_open, request, refused.dialogue))
        except intake.ParticipantBlocked as refused:
            return web_intake.Blocked(refused.dialogue, refused.block)
        return web_intake.Stored(contribution.reference, created)

    def rate_limited() -> HttpResponse:
        context = {
            "dialogue": get_dialogue_for_submission(organisation, slug),
            "minutes": CONTRIBUTIONS.rate_window_seconds // 60,
        }
        return render(request, "dialogues/rate_limited.html", context, status=429)

    return web_intake.receive(
        request,
        CONTRIBUTIONS,
        form,
        store=store,
        dialogue=partial(get_public_dialogue, organisation, slug),
        rate_limited=rate_limited,
    )


def _not_open(request: TorgetRequest, dialogue: Dialogue) -> HttpResponse:
    return render(request, "dialogues/not_open.html", {"dialogue": dialogue}, status=409)


@staff_required
def staff_dashboard(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    now = timezone.now()
    today = timezone.localdate(now)
    context: dict[str, object] = {
        "overdue": _with_states(list(overdue_feedback(organisation, today)), now),
        "dialogues": _with_states(list(staff_dialogues(organisation)[:50]), now),
        "can_create": can_create_dialogue(request.user),
        "can_open_staff_pages": can_view_dialogue_in_staff(request.user),
        "queue_count": moderation_queue(organisation).count()
        if can_moderate(request.user)
        else None,
        "committee_dialogues": committee_dialogues(request.user, organisation, today)
        if can_follow_committee_dialogues(request.user)
        else None,
    }
    return render(request, "dialogues/staff/dashboard.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def offline_input(request: StaffRequest, pk: int) -> HttpResponse:
    """Type in input the authority received outside Torget: at a citizens' meeting, by letter,
    by telephone. It is moderated and archived like any post."""
    dialogue = get_dialogue_for(request.user, request.organisation, pk)
    if not can_enter_offline_input(request.user, dialogue):
        raise PermissionDenied
    form = OfflineInputForm(request.POST or None)
    context = {"form": form, "dialogue": dialogue}
    if request.method == "GET":
        return render(request, "dialogues/staff/offline_input.html", context)
    if not form.is_valid():
        return render(request, "dialogues/staff/offline_input.html", context, status=400)
    data = form.cleaned_data
    post = intake.enter_offline_input(
        dialogue=dialogue,
        entered_by=request.user,
        received_via=OfflineSource(data["received_via"]),
        received_on=data["received_on"],
        display_name=data["display_name"],
        text=data["text"],
        email=data["email"],
    )
    messages.success(
        request,
        _("The input is stored as %(ref)s and waits for moderation like any contribution.")
        % {"ref": post.reference},
    )
    return redirect("dialogues:staff-detail", pk=dialogue.pk)
