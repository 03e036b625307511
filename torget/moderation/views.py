from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from torget.accounts.decorators import staff_required
from torget.accounts.http import StaffRequest, TorgetRequest
from torget.dialogues.models import Contribution
from torget.dialogues.presentation import screening_view
from torget.moderation import actions
from torget.moderation.actions import AlreadyDecided
from torget.moderation.forms import DecisionForm
from torget.moderation.models import DecisionKind
from torget.moderation.permissions import can_decide_on, can_view_queue
from torget.moderation.queries import moderation_queue, rule_set_in_force

QUEUE_PAGE_SIZE = 25


def rules_page(request: TorgetRequest) -> HttpResponse:
    if request.organisation is None:
        raise Http404
    rule_set = rule_set_in_force(request.organisation)
    return render(request, "moderation/rules.html", {"rule_set": rule_set})


def _queue_context(request: StaffRequest) -> dict[str, object]:
    rule_set = rule_set_in_force(request.organisation)
    if rule_set is None:
        rule_set = actions.publish_default_rule_set(organisation=request.organisation)
    items = list(moderation_queue(request.organisation)[:QUEUE_PAGE_SIZE])
    for item in items:
        item.review = screening_view(item)  # type: ignore[attr-defined]
    return {
        "items": items,
        "total": moderation_queue(request.organisation).count(),
        "rule_set": rule_set,
        "rules": list(rule_set.rules.all()),
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
        Contribution.objects.select_related("dialogue"),
        pk=pk,
        dialogue__organisation=request.organisation,
    )
    rule_set = rule_set_in_force(request.organisation)
    if rule_set is None:
        rule_set = actions.publish_default_rule_set(organisation=request.organisation)
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
    return redirect("moderation:queue")


def _already_decided(request: StaffRequest, contribution: Contribution) -> HttpResponse:
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
    return redirect("moderation:queue")
