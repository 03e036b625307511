"""Thin views: validate with a form, fetch through a getter, act through an action."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from torget.accounts.decorators import staff_required
from torget.accounts.http import StaffRequest, TorgetRequest
from torget.dialogues import actions
from torget.dialogues.forms import (
    FeedbackReportForm,
    MissionCardForm,
)
from torget.dialogues.lifecycle import IllegalTransition, effective_state
from torget.dialogues.models import Dialogue, DialogueState, Post
from torget.dialogues.permissions import (
    can_archive_dialogue,
    can_close_dialogue,
    can_create_dialogue,
    can_edit_dialogue,
    can_enter_offline_input,
    can_schedule_dialogue,
    can_unschedule_dialogue,
    can_write_feedback,
)
from torget.dialogues.queries import (
    get_dialogue_for,
    public_dialogues,
)


def dialogue_list(request: TorgetRequest) -> HttpResponse:
    if request.organisation is None:
        return render(request, "dialogues/not_set_up.html", status=503)
    now = timezone.now()
    groups: dict[str, list[dict[str, object]]] = {"open": [], "upcoming": [], "closed": []}
    for dialogue in public_dialogues(request.organisation):
        state = effective_state(dialogue, now)
        group = {DialogueState.OPEN: "open", DialogueState.SCHEDULED: "upcoming"}.get(
            state, "closed"
        )
        groups[group].append({"dialogue": dialogue, "state": state})
    return render(request, "dialogues/list.html", {"groups": groups})


def receipt(request: TorgetRequest, reference: str) -> HttpResponse:
    contribution = get_object_or_404(Post.objects.select_related("dialogue"), reference=reference)
    decision = contribution.decisions.select_related("rule_set").prefetch_related("rules").last()
    return render(
        request,
        "dialogues/receipt.html",
        {"contribution": contribution, "dialogue": contribution.dialogue, "decision": decision},
    )


@require_http_methods(["GET", "POST"])
def confirm_email(request: TorgetRequest, token: str) -> HttpResponse:
    """GET shows a button; only the POST confirms, so link scanners cannot confirm for people."""
    try:
        payload = signing.loads(
            token,
            salt=actions.EMAIL_CONFIRMATION_SALT,
            max_age=actions.EMAIL_CONFIRMATION_MAX_AGE,
        )
        contribution = Post.objects.get(pk=payload["c"], email=payload["e"])
    except (signing.BadSignature, KeyError, TypeError, Post.DoesNotExist):
        return render(request, "dialogues/confirm_email_invalid.html", status=400)
    confirmed = False
    if request.method == "POST":
        actions.confirm_email(contribution=contribution)
        confirmed = True
    return render(
        request,
        "dialogues/confirm_email.html",
        {"contribution": contribution, "confirmed": confirmed or contribution.email_confirmed_at},
    )


# Staff pages ---------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def dialogue_create(request: StaffRequest) -> HttpResponse:
    if not can_create_dialogue(request.user):
        raise PermissionDenied
    form = MissionCardForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST":
        if form.is_valid():
            dialogue = actions.create_dialogue(
                organisation=request.organisation, owner=request.user, card=form.mission_card()
            )
            messages.success(request, _("The dialogue was created as a draft."))
            return redirect("dialogues:staff-detail", pk=dialogue.pk)
        return render(request, "dialogues/staff/form.html", {"form": form}, status=400)
    return render(request, "dialogues/staff/form.html", {"form": form})


@staff_required
@require_http_methods(["GET", "POST"])
def dialogue_edit(request: StaffRequest, pk: int) -> HttpResponse:
    dialogue = get_dialogue_for(request.user, request.organisation, pk, write=True)
    # The form works on its own copy: the ModelForm writes cleaned values onto its instance,
    # and only the action may change the stored dialogue (and record what changed).
    copy = Dialogue.objects.get(pk=dialogue.pk)
    form = MissionCardForm(request.POST or None, instance=copy, organisation=request.organisation)
    if request.method == "POST":
        if form.is_valid():
            actions.edit_dialogue(dialogue=dialogue, actor=request.user, card=form.mission_card())
            messages.success(request, _("The mission card was saved."))
            return redirect("dialogues:staff-detail", pk=dialogue.pk)
        return render(
            request, "dialogues/staff/form.html", {"form": form, "dialogue": dialogue}, status=400
        )
    return render(request, "dialogues/staff/form.html", {"form": form, "dialogue": dialogue})


@staff_required
def dialogue_staff_detail(request: StaffRequest, pk: int) -> HttpResponse:
    dialogue = get_dialogue_for(request.user, request.organisation, pk)
    user = request.user
    now = timezone.now()
    counts = dict(
        dialogue.posts.filter(thread__isnull=True)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    report = getattr(dialogue, "feedback_report", None)
    return render(
        request,
        "dialogues/staff/detail.html",
        {
            "dialogue": dialogue,
            "state": effective_state(dialogue, now),
            "events": dialogue.events.select_related("actor"),
            "counts": counts,
            "report": report,
            "can_edit": can_edit_dialogue(user, dialogue, now=now),
            "can_schedule": can_schedule_dialogue(user, dialogue, now=now),
            "can_unschedule": can_unschedule_dialogue(user, dialogue, now=now),
            "can_close": can_close_dialogue(user, dialogue, now=now),
            "can_write_feedback": can_write_feedback(user, dialogue, now=now),
            "can_archive": can_archive_dialogue(user, dialogue, now=now),
            "can_enter_offline_input": can_enter_offline_input(user, dialogue, now=now),
        },
    )


@staff_required
@require_POST
def dialogue_transition(request: StaffRequest, pk: int, move: str) -> HttpResponse:
    dialogue = get_dialogue_for(request.user, request.organisation, pk)
    user = request.user
    now = timezone.now()
    steps: dict[str, tuple[Callable[..., bool], Callable[..., None], str]] = {
        "schedule": (
            can_schedule_dialogue,
            actions.schedule_dialogue,
            _("The dialogue is scheduled and opens at the announced time."),
        ),
        "unschedule": (
            can_unschedule_dialogue,
            actions.unschedule_dialogue,
            _("The dialogue is a draft again."),
        ),
        "close": (
            can_close_dialogue,
            actions.close_dialogue,
            _("The dialogue is closed. No more contributions are accepted."),
        ),
        "archive": (
            can_archive_dialogue,
            actions.archive_dialogue,
            _("The dialogue is archived."),
        ),
    }
    refusal = _("That step is not possible for this dialogue in its present state, or not for you.")
    step = steps.get(move)
    if step is None or not step[0](user, dialogue, now=now):
        messages.error(request, refusal)
        return redirect("dialogues:staff-detail", pk=dialogue.pk)
    act, done = step[1], step[2]
    try:
        act(dialogue=dialogue, actor=user, now=now)
    except IllegalTransition:
        # Someone else moved it between the check and the row lock; nothing was changed.
        messages.error(request, refusal)
    else:
        messages.success(request, done)
    return redirect("dialogues:staff-detail", pk=dialogue.pk)


@staff_required
@require_http_methods(["GET", "POST"])
def feedback_edit(request: StaffRequest, pk: int) -> HttpResponse:
    dialogue = get_dialogue_for(request.user, request.organisation, pk)
    now = timezone.now()
    if not can_write_feedback(request.user, dialogue, now=now):
        raise PermissionDenied
    report = getattr(dialogue, "feedback_report", None)
    initial = (
        {
            "what_came_in": report.what_came_in,
            "how_it_was_used": report.how_it_was_used,
            "what_was_decided": report.what_was_decided,
        }
        if report
        else {}
    )
    form = FeedbackReportForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not form.is_valid():
            return render(
                request,
                "dialogues/staff/feedback.html",
                {"form": form, "dialogue": dialogue},
                status=400,
            )
        report = actions.save_feedback_report(
            dialogue=dialogue, author=request.user, now=now, **form.cleaned_data
        )
        if "publish" in request.POST:
            notified = actions.publish_feedback_report(report=report, actor=request.user, now=now)
            messages.success(
                request,
                _("The feedback report is published. %(count)s participants were notified.")
                % {"count": notified},
            )
        else:
            messages.success(request, _("The draft was saved."))
        return redirect("dialogues:staff-detail", pk=dialogue.pk)
    return render(request, "dialogues/staff/feedback.html", {"form": form, "dialogue": dialogue})
