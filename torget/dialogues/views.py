"""Thin views: validate with a form, fetch through a getter, act through an action."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from torget.accounts.decorators import staff_required
from torget.accounts.http import StaffRequest, TorgetRequest
from torget.accounts.permissions import can_moderate
from torget.core.clients import client_hash, hit_rate_limit
from torget.dialogues import actions
from torget.dialogues.forms import (
    ContributionForm,
    FeedbackReportForm,
    MissionCardForm,
    OfflineInputForm,
)
from torget.dialogues.lifecycle import IllegalTransition, effective_state
from torget.dialogues.models import Dialogue, DialogueState, OfflineSource, Post
from torget.dialogues.permissions import (
    can_archive_dialogue,
    can_close_dialogue,
    can_create_dialogue,
    can_edit_dialogue,
    can_enter_offline_input,
    can_follow_committee_dialogues,
    can_schedule_dialogue,
    can_unschedule_dialogue,
    can_write_feedback,
)
from torget.dialogues.queries import (
    committee_dialogues,
    get_dialogue_for,
    get_dialogue_for_submission,
    get_public_dialogue,
    overdue_feedback,
    public_dialogues,
    published_contributions,
    staff_dialogues,
    stored_contribution_reference,
)
from torget.moderation.queries import max_length_for, moderation_queue

CONTRIBUTIONS_PER_PAGE = 50


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


def _with_states(dialogues: list[Dialogue], now: datetime) -> list[dict[str, object]]:
    return [{"dialogue": d, "state": effective_state(d, now)} for d in dialogues]


def _detail_context(
    request: TorgetRequest, dialogue: Dialogue, form: ContributionForm | None
) -> dict[str, object]:
    now = timezone.now()
    accepting = actions.accepts_contributions(dialogue, now)
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
        if not actions.accepts_contributions(dialogue, now):
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
        contribution, created = actions.submit_contribution(
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
    except actions.DialogueNotOpen as refused:
        return _receipt_if_sent_before(request, token) or _not_open(request, refused.dialogue)
    except actions.ParticipantBlocked as refused:
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
def staff_dashboard(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    now = timezone.now()
    today = timezone.localdate(now)
    context: dict[str, object] = {
        "overdue": _with_states(list(overdue_feedback(organisation, today)), now),
        "dialogues": _with_states(list(staff_dialogues(organisation)[:50]), now),
        "can_create": can_create_dialogue(request.user),
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
    post = actions.enter_offline_input(
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
