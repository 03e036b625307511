"""Thin views: fetch through a permission-checked getter, validate with a form, act through an
action, and turn each named refusal into a clear page or message."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from torget.accounts.decorators import staff_required
from torget.accounts.http import StaffRequest, TorgetRequest
from torget.archive.export import ExportError
from torget.dialogues.models import Post
from torget.dialogues.presentation import public_text, screening_view
from torget.moderation import actions
from torget.moderation.actions import AlreadyDecided
from torget.moderation.forms import (
    BlockForm,
    DecisionForm,
    FindForm,
    LiftBlockForm,
    QueueFilterForm,
    ReviewDecisionForm,
    ReviewRequestForm,
    ThreatForm,
)
from torget.moderation.models import (
    BlockScope,
    DecisionKind,
    ReviewOutcome,
    ReviewRequest,
)
from torget.moderation.permissions import (
    can_block,
    can_block_author_of,
    can_decide_on,
    can_decide_review,
    can_disclose_threat,
    can_export_evidence,
    can_lift_block,
    can_mark_threat,
    can_review,
    can_see_all_threats,
    can_view_queue,
    can_view_threats,
    made_the_decision,
)
from torget.moderation.queries import (
    RuleNotInForce,
    blocks_of,
    decided_reviews,
    get_block_for,
    get_contribution_for,
    get_review_for,
    get_threat_for,
    moderation_queue,
    pending_reviews,
    rule_set_in_force,
    threats_against,
    threats_in,
    waiting_queues,
)
from torget.moderation.tokens import REVIEW_LINK_DAYS, decision_for_review_token

QUEUE_PAGE_SIZE = 25


def _queue_context(request: StaffRequest) -> dict[str, object]:
    rule_set = rule_set_in_force(request.organisation)
    narrowed = QueueFilterForm(request.GET, auto_id="queue-%s")
    filters = narrowed.filters()
    queue = moderation_queue(request.organisation, **filters)
    items = list(queue.prefetch_related("threat_marks__politician")[:QUEUE_PAGE_SIZE])
    for item in items:
        item.review = screening_view(item)  # type: ignore[attr-defined]
    reviews = list(pending_reviews(request.organisation))
    return {
        "items": items,
        "total": queue.count(),
        "filter_form": narrowed,
        "filtered": any(filters.values()),
        "queues": waiting_queues(request.organisation),
        "now": timezone.now(),
        # Deciding on an item comes back to the same narrowed queue.
        "query": request.GET.urlencode(),
        "rule_set": rule_set,
        "rules": list(rule_set.rules.all()),
        "pending_reviews": reviews,
    }


@staff_required
def queue(request: StaffRequest) -> HttpResponse:
    if not can_view_queue(request.user):
        raise PermissionDenied
    return render(request, "moderation/queue.html", _queue_context(request))


@staff_required
@require_POST
def decide(request: StaffRequest, pk: int) -> HttpResponse:
    if not can_view_queue(request.user):
        raise PermissionDenied
    contribution = get_object_or_404(
        Post.objects.select_related("dialogue"),
        pk=pk,
        dialogue__organisation=request.organisation,
    )
    rule_set = rule_set_in_force(request.organisation)
    # The queue shows one form per item; these ids are the ones its template gives them.
    form = DecisionForm(request.POST, rule_set=rule_set, auto_id=f"decision-{contribution.pk}-%s")
    if not can_decide_on(request.user, contribution):
        return _already_decided(request, contribution)
    if not form.is_valid():
        context = _queue_context(request)
        context["errors_for"] = contribution.pk
        context["error_form"] = form
        return render(request, "moderation/queue.html", context, status=400)
    data = form.cleaned_data
    try:
        if data["decision"] == DecisionKind.APPROVE:
            actions.approve_contribution(
                contribution=contribution,
                moderator=request.user,
                rule_codes=data["rules"],
                note=data["note"],
            )
            messages.success(request, _("%(ref)s was approved.") % {"ref": contribution.reference})
        elif data["decision"] == DecisionKind.REJECT:
            actions.reject_contribution(
                contribution=contribution,
                moderator=request.user,
                rule_codes=data["rules"],
                note=data["note"],
            )
            messages.success(request, _("%(ref)s was rejected.") % {"ref": contribution.reference})
        elif data["decision"] == DecisionKind.HOLD:
            actions.hold_post(post=contribution, moderator=request.user, note=data["note"])
            messages.success(
                request,
                _("%(ref)s is held for a closer look: out of public view, still in the queue.")
                % {"ref": contribution.reference},
            )
        else:
            actions.refer_contribution(
                contribution=contribution, moderator=request.user, note=data["note"]
            )
            messages.success(
                request,
                _("%(ref)s was referred to %(where)s.")
                % {
                    "ref": contribution.reference,
                    "where": request.organisation.customer_service_name,
                },
            )
    except AlreadyDecided:
        return _already_decided(request, contribution)
    except RuleNotInForce as refused:
        messages.error(request, rule_not_in_force_message(refused))
    return _back_to_queue(request)


def _back_to_queue(request: StaffRequest) -> HttpResponse:
    """To the queue as the moderator had narrowed it (the decision form carries the filters)."""
    narrowed = QueueFilterForm(request.GET)
    query = urlencode(
        {key: value for key, value in narrowed.data.items() if key in narrowed.fields}
    )
    return redirect(
        f"{reverse('moderation:queue')}?{query}" if query else reverse("moderation:queue")
    )


def rule_not_in_force_message(refused: RuleNotInForce) -> str:
    return _(
        "The rules version in force (%(version)s) has no rule %(codes)s; the rules may have "
        "changed while you worked. Nothing was changed: choose again."
    ) % {"version": refused.rule_set.version, "codes": ", ".join(refused.codes)}


def _already_decided(request: StaffRequest, contribution: Post) -> HttpResponse:
    decision = contribution.decisions.select_related("moderator").last()
    if decision is not None:
        messages.warning(
            request,
            _("%(ref)s was already handled by %(who)s at %(when)s: %(what)s. Nothing was changed.")
            % {
                "ref": contribution.reference,
                "who": decision.moderator.display_name,
                "when": date_format(decision.decided_at, "SHORT_DATETIME_FORMAT"),
                "what": decision.get_kind_display(),
            },
        )
    return _back_to_queue(request)


@staff_required
@require_GET
def find(request: StaffRequest) -> HttpResponse:
    if not can_view_queue(request.user):
        raise PermissionDenied
    form = FindForm(request.GET, auto_id="find-%s")
    reference = form.cleaned_data["reference"].strip().upper() if form.is_valid() else ""
    found = Post.objects.filter(
        dialogue__organisation=request.organisation, reference=reference
    ).first()
    if found is None:
        messages.error(
            request, _("No contribution has the reference %(ref)s.") % {"ref": reference or "–"}
        )
        return redirect("moderation:queue")
    return redirect("moderation:contribution", pk=found.pk)


@staff_required
def contribution_detail(request: StaffRequest, pk: int) -> HttpResponse:
    """One contribution with everything done about it, and the further steps."""
    contribution = get_contribution_for(request.user, request.organisation, pk)
    user = request.user
    return render(
        request,
        "moderation/contribution.html",
        {
            "contribution": contribution,
            "review_view": screening_view(contribution),
            "decisions": contribution.decisions.select_related(
                "moderator", "rule_set"
            ).prefetch_related("rules"),
            "reviews": contribution.review_requests.select_related("decided_by"),
            "threats": contribution.threat_marks.select_related("politician", "marked_by"),
            "blocks": contribution.blocks.select_related("dialogue", "imposed_by"),
            "can_block": can_block_author_of(user, contribution),
            "can_mark_threat": can_mark_threat(user),
            "can_export": can_export_evidence(user),
        },
    )


# Reviews ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def request_review(request: TorgetRequest, token: str) -> HttpResponse:
    """The author's page, reached from the link in the decision notice (no account needed)."""
    decision = decision_for_review_token(token)
    if decision is None:
        return render(
            request, "moderation/review_link_invalid.html", {"days": REVIEW_LINK_DAYS}, status=400
        )
    context: dict[str, object] = {"decision": decision, "contribution": decision.contribution}
    existing = ReviewRequest.objects.filter(decision=decision).first()
    if existing is not None:
        context["existing"] = existing
        status = 409 if request.method == "POST" else 200
        return render(request, "moderation/review_request.html", context, status=status)
    form = ReviewRequestForm(request.POST or None)
    context["form"] = form
    if request.method == "GET":
        return render(request, "moderation/review_request.html", context)
    if not form.is_valid():
        return render(request, "moderation/review_request.html", context, status=400)
    try:
        actions.request_review(decision=decision, reason=form.cleaned_data["reason"])
    except actions.ReviewAlreadyRequested as refused:
        context["existing"] = refused.review
        return render(request, "moderation/review_request.html", context, status=409)
    except actions.NotReviewable:
        context["not_reviewable"] = True
        return render(request, "moderation/review_request.html", context, status=409)
    messages.success(request, _("Your request for a review is registered."))
    return redirect("rules:review", token=token)


@staff_required
def review_list(request: StaffRequest) -> HttpResponse:
    if not can_review(request.user):
        raise PermissionDenied
    return render(
        request,
        "moderation/reviews.html",
        {
            "pending": list(pending_reviews(request.organisation)),
            "decided": list(decided_reviews(request.organisation)[:50]),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def review_detail(request: StaffRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, request.organisation, pk)
    contribution = review.contribution
    form = ReviewDecisionForm(request.POST or None)
    context: dict[str, object] = {
        "review": review,
        "contribution": contribution,
        "decision": review.decision,
        "decision_rules": list(review.decision.rules.all()),
        "review_view": screening_view(contribution),
        "own_decision": made_the_decision(request.user, review),
        "can_decide": can_decide_review(request.user, review),
        "form": form,
    }
    if request.method == "GET":
        return render(request, "moderation/review.html", context)
    if context["own_decision"]:
        return render(request, "moderation/review.html", context, status=403)
    if not review.is_pending:
        return _review_already_decided(request, review)
    if not form.is_valid():
        return render(request, "moderation/review.html", context, status=400)
    outcome = ReviewOutcome(form.cleaned_data["outcome"])
    try:
        actions.decide_review(
            review=review, moderator=request.user, outcome=outcome, note=form.cleaned_data["note"]
        )
    except actions.ReviewAlreadyDecided as refused:
        return _review_already_decided(request, refused.review)
    except actions.OwnDecision:
        context["own_decision"] = True
        return render(request, "moderation/review.html", context, status=403)
    if outcome == ReviewOutcome.OVERTURNED:
        text = _("The decision on %(ref)s was overturned; the contribution is published.")
    else:
        text = _("The decision on %(ref)s was upheld.")
    messages.success(request, text % {"ref": contribution.reference})
    return redirect("moderation:reviews")


def _review_already_decided(request: StaffRequest, review: ReviewRequest) -> HttpResponse:
    review.refresh_from_db()
    messages.warning(
        request,
        _("This review was already decided by %(who)s: %(what)s. Nothing was changed.")
        % {
            "who": review.decided_by.display_name if review.decided_by else "–",
            "what": review.get_outcome_display(),
        },
    )
    return redirect("moderation:review", pk=review.pk)


# Blocks ----------------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def block_author(request: StaffRequest, pk: int) -> HttpResponse:
    contribution = get_contribution_for(request.user, request.organisation, pk)
    if not can_block(request.user):
        raise PermissionDenied
    context: dict[str, object] = {"contribution": contribution}
    if not can_block_author_of(request.user, contribution):
        context["no_address"] = True
        return render(request, "moderation/block_form.html", context, status=409)
    now = timezone.now()
    form = BlockForm(
        request.POST or None,
        rule_set=rule_set_in_force(request.organisation),
        organisation=request.organisation,
        dialogue=contribution.dialogue,
        now=now,
    )
    context["form"] = form
    if request.method == "GET":
        return render(request, "moderation/block_form.html", context)
    if not form.is_valid():
        return render(request, "moderation/block_form.html", context, status=400)
    data = form.cleaned_data
    try:
        block = actions.impose_block(
            contribution=contribution,
            moderator=request.user,
            scope=BlockScope(data["scope"]),
            rule_codes=data["rules"],
            reasons=data["reasons"],
            ends_at=data["ends_at"],
            restoration=data["restoration"],
            complaint=data["complaint"],
            now=now,
        )
    except actions.AlreadyBlocked as refused:
        context["already"] = refused.block
        return render(request, "moderation/block_form.html", context, status=409)
    except RuleNotInForce as refused:
        form.add_error(None, rule_not_in_force_message(refused))
        return render(request, "moderation/block_form.html", context, status=409)
    messages.success(
        request,
        _("The author of %(ref)s is blocked until %(when)s and has been sent the decision.")
        % {
            "ref": contribution.reference,
            "when": date_format(timezone.localtime(block.ends_at), "SHORT_DATETIME_FORMAT"),
        },
    )
    return redirect("moderation:blocks")


@staff_required
def block_list(request: StaffRequest) -> HttpResponse:
    if not can_block(request.user):
        raise PermissionDenied
    now = timezone.now()
    blocks = list(blocks_of(request.organisation)[:200])
    return render(
        request,
        "moderation/blocks.html",
        {
            "in_force": [block for block in blocks if block.in_force(now)],
            "ended": [block for block in blocks if not block.in_force(now)],
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def block_lift(request: StaffRequest, pk: int) -> HttpResponse:
    block = get_block_for(request.user, request.organisation, pk)
    now = timezone.now()
    if not can_lift_block(request.user, block, now):
        messages.warning(request, _("That block is no longer in force. Nothing was changed."))
        return redirect("moderation:blocks")
    form = LiftBlockForm(request.POST or None)
    # Not "block": inside a template's {% block %} that name is Django's own.
    context = {"restriction": block, "form": form}
    if request.method == "GET":
        return render(request, "moderation/block_lift.html", context)
    if not form.is_valid():
        return render(request, "moderation/block_lift.html", context, status=400)
    try:
        actions.lift_block(
            block=block, moderator=request.user, reason=form.cleaned_data["reason"], now=now
        )
    except actions.BlockNotInForce:
        messages.warning(request, _("That block is no longer in force. Nothing was changed."))
        return redirect("moderation:blocks")
    messages.success(request, _("The block is lifted and the person has been told."))
    return redirect("moderation:blocks")


# Threats ---------------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def mark_threat(request: StaffRequest, pk: int) -> HttpResponse:
    contribution = get_contribution_for(request.user, request.organisation, pk)
    if not can_mark_threat(request.user):
        raise PermissionDenied
    form = ThreatForm(request.POST or None, organisation=request.organisation)
    context: dict[str, object] = {"contribution": contribution, "form": form}
    if request.method == "GET":
        return render(request, "moderation/threat_form.html", context)
    if not form.is_valid():
        return render(request, "moderation/threat_form.html", context, status=400)
    politician = form.cleaned_data["politician"]
    try:
        actions.mark_threat(
            contribution=contribution,
            politician=politician,
            moderator=request.user,
            note=form.cleaned_data["note"],
        )
    except actions.ThreatAlreadyMarked:
        messages.info(
            request,
            _("%(ref)s is already marked as a threat against %(name)s.")
            % {"ref": contribution.reference, "name": politician.display_name},
        )
        return redirect("moderation:contribution", pk=contribution.pk)
    messages.success(
        request,
        _(
            "%(ref)s is marked as a threat against %(name)s, kept for the police and first in "
            "the queue."
        )
        % {"ref": contribution.reference, "name": politician.display_name},
    )
    return redirect("moderation:contribution", pk=contribution.pk)


@staff_required
def threat_list(request: StaffRequest) -> HttpResponse:
    user = request.user
    if not can_view_threats(user):
        raise PermissionDenied
    if can_see_all_threats(user):
        return render(
            request,
            "moderation/threats.html",
            {
                "threats": list(threats_in(request.organisation)[:200]),
                "can_open": can_view_queue(user),
                "can_export": can_export_evidence(user),
            },
        )
    return render(
        request, "moderation/threats_against_me.html", {"threats": list(threats_against(user))}
    )


@staff_required
@require_POST
def threat_show(request: StaffRequest, pk: int) -> HttpResponse:
    """The politician chose to see the text: record that, then show it on this response only."""
    threat = get_threat_for(request.user, request.organisation, pk)
    if not can_disclose_threat(request.user, threat):
        raise PermissionDenied
    actions.disclose_threat(threat=threat, viewer=request.user)
    return render(
        request,
        "moderation/threat_text.html",
        {"threat": threat, "text": public_text(threat.contribution)},
    )


@staff_required
@require_POST
def evidence(request: StaffRequest, pk: int) -> HttpResponse | FileResponse:
    threat = get_threat_for(request.user, request.organisation, pk)
    if not can_export_evidence(request.user):
        raise PermissionDenied
    # An unnamed temporary file: gone when the response closes it, whatever happens.
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    try:
        export = actions.export_evidence(threat=threat, actor=request.user, into=handle)
    except ExportError as error:
        handle.close()
        messages.error(request, str(error))
        return redirect("moderation:threats")
    except BaseException:
        handle.close()
        raise
    return FileResponse(
        handle, as_attachment=True, filename=export.filename, content_type="application/zip"
    )
