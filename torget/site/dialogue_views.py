"""The pages of a dialogue that combine it with moderation: its public page with the
contribution form (the rules in force set the length; the one intake stores the post), the
staff overview with the moderation queue's count, and input typed in for it."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
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
from torget.core.clients import client_hash, hit_rate_limit
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
    stored_contribution_reference,
)
from torget.moderation import intake
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
        dialogue = get_public_dialogue(organisation, slug)
        if not accepts_contributions(dialogue, now):
            return _not_open(request, dialogue)
        if form.is_spam:
            return render(
                request, "dialogues/refused_spam.html", {"dialogue": dialogue}, status=400
            )
        context = _detail_context(request, dialogue, form)
        return render(request, "dialogues/detail.html", context, status=400)
    token = form.cleaned_data["submission_token"]
    client = client_hash(request)
    if hit_rate_limit(
        scope="contribute",
        key=client,
        limit=settings.CONTRIBUTION_RATE_LIMIT,
        window_seconds=settings.CONTRIBUTION_RATE_WINDOW_SECONDS,
    ):
        return _receipt_if_sent_before(request, token) or render(
            request,
            "dialogues/rate_limited.html",
            {
                "dialogue": get_dialogue_for_submission(organisation, slug),
                "minutes": settings.CONTRIBUTION_RATE_WINDOW_SECONDS // 60,
            },
            status=429,
        )
    try:
        contribution, created = intake.submit_contribution(
            organisation=organisation,
            slug=slug,
            display_name=form.cleaned_data["display_name"],
            text=form.cleaned_data["text"],
            email=form.cleaned_data["email"],
            submission_token=token,
            client_hash=client,
            language=request.LANGUAGE_CODE,
            max_length=form.max_length,
            now=now,
        )
    except Dialogue.DoesNotExist:
        raise Http404(slug) from None
    except intake.DialogueNotOpen as refused:
        return _receipt_if_sent_before(request, token) or _not_open(request, refused.dialogue)
    except intake.ParticipantBlocked as refused:
        context = {"dialogue": refused.dialogue, "restriction": refused.block}
        return _receipt_if_sent_before(request, token) or render(
            request, "moderation/blocked.html", context, status=403
        )
    if not created:
        return _receipt_again(request, contribution.reference)
    return redirect("dialogues:receipt", reference=contribution.reference)


def _receipt_if_sent_before(request: TorgetRequest, token: uuid.UUID) -> HttpResponse | None:
    """A refused form that was sent before (a double click, the back button, a retry over a
    poor connection) gets the receipt of what it stored the first time, whatever has changed
    since; ``None`` when it stored nothing."""
    reference = stored_contribution_reference(token)
    return None if reference is None else _receipt_again(request, reference)


def _receipt_again(request: TorgetRequest, reference: str) -> HttpResponse:
    messages.info(request, _("This form was already sent; here is your receipt."))
    return redirect("dialogues:receipt", reference=reference)


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
