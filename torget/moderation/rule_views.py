"""The comment rules: the public pages for every published version, and the administrators'
pages for drafting and publishing the next one. Thin: a permission-checked getter, a form and
an action from ``rule_actions``; each refusal is shown as its message, with nothing changed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from torget.accounts.decorators import staff_required
from torget.accounts.http import StaffRequest, TorgetRequest
from torget.accounts.models import Organisation
from torget.accounts.permissions import AnyUser
from torget.moderation import rule_actions
from torget.moderation.forms import DraftSettingsForm, PublishForm, RuleForm
from torget.moderation.models import Rule, RuleSet
from torget.moderation.permissions import can_manage_rules
from torget.moderation.queries import (
    get_published_rule_set,
    rule_set_in_force,
    rule_set_periods,
)
from torget.moderation.rule_actions import RuleSetRefused, RuleWording

# Public pages ------------------------------------------------------------------------------


def _public(request: TorgetRequest, rule_set: RuleSet, *, permanent: bool) -> HttpResponse:
    organisation = request.organisation
    assert organisation is not None
    periods = rule_set_periods(organisation)
    until = next((end for version, end in periods if version.pk == rule_set.pk), None)
    in_force = rule_set_in_force(organisation)
    return render(
        request,
        "moderation/rules.html",
        {
            "rule_set": rule_set,
            "rules": list(rule_set.rules.all()),
            "until": until,
            "is_in_force": rule_set.pk == in_force.pk,
            "permanent": permanent,
            "periods": periods,
            "in_force": in_force,
            "can_manage_rules": can_manage_rules(request.user),
        },
    )


@require_GET
def rules_page(request: TorgetRequest) -> HttpResponse:
    """The version in force now, and the list of every version with its period."""
    if request.organisation is None:
        raise Http404
    return _public(request, rule_set_in_force(request.organisation), permanent=False)


@require_GET
def rules_version(request: TorgetRequest, version: int) -> HttpResponse:
    """A published version at its permanent address; drafts are not public."""
    if request.organisation is None:
        raise Http404
    rule_set = get_published_rule_set(request.organisation, version)
    return _public(request, rule_set, permanent=True)


# Staff pages -------------------------------------------------------------------------------


def _require_manager(user: AnyUser) -> None:
    if not can_manage_rules(user):
        raise PermissionDenied


def get_draft_for(user: AnyUser, organisation: Organisation) -> RuleSet:
    _require_manager(user)
    draft = RuleSet.objects.filter(organisation=organisation, published_at__isnull=True).first()
    if draft is None:
        raise Http404("no draft")
    return draft


def get_draft_rule_for(user: AnyUser, organisation: Organisation, pk: int) -> Rule:
    draft = get_draft_for(user, organisation)
    try:
        return draft.rules.select_related("rule_set").get(pk=pk)
    except Rule.DoesNotExist:
        raise Http404(str(pk)) from None


def _staff_page(
    request: StaffRequest,
    *,
    settings_form: DraftSettingsForm | None = None,
    publish_form: PublishForm | None = None,
    status: int = 200,
) -> HttpResponse:
    organisation = request.organisation
    draft = RuleSet.objects.filter(organisation=organisation, published_at__isnull=True).first()
    context: dict[str, object] = {
        "periods": rule_set_periods(organisation),
        "in_force": rule_set_in_force(organisation),
        "draft": draft,
    }
    if draft is not None:
        context.update(
            rules=list(draft.rules.order_by("position", "pk")),
            settings_form=settings_form
            or DraftSettingsForm(initial={"max_length": draft.max_length}, auto_id="draft-%s"),
            publish_form=publish_form
            or PublishForm(
                initial={"in_force_from": timezone.localtime().replace(second=0, microsecond=0)},
                auto_id="publish-%s",
            ),
        )
    return render(request, "moderation/rules_staff.html", context, status=status)


@staff_required
@require_GET
def rules_staff(request: StaffRequest) -> HttpResponse:
    _require_manager(request.user)
    return _staff_page(request)


@staff_required
@require_POST
def draft_start(request: StaffRequest) -> HttpResponse:
    _require_manager(request.user)
    rule_actions.start_draft(organisation=request.organisation)
    return redirect("moderation:rules")


@staff_required
@require_POST
def draft_settings(request: StaffRequest) -> HttpResponse:
    draft = get_draft_for(request.user, request.organisation)
    form = DraftSettingsForm(request.POST, auto_id="draft-%s")
    if not form.is_valid():
        return _staff_page(request, settings_form=form, status=400)
    try:
        rule_actions.set_draft_max_length(
            rule_set=draft, max_length=form.cleaned_data["max_length"]
        )
    except RuleSetRefused as refused:
        messages.error(request, str(refused.message))
        return redirect("moderation:rules")
    messages.success(request, _("The draft is saved."))
    return redirect("moderation:rules")


def _wording(form: RuleForm) -> RuleWording:
    data = form.cleaned_data
    return RuleWording(
        code=data["code"],
        title_da=data["title_da"],
        title_sv=data["title_sv"],
        title_en=data["title_en"],
        text_da=data["text_da"],
        text_sv=data["text_sv"],
        text_en=data["text_en"],
        priority_offence=data["priority_offence"],
    )


def _rule_form_page(
    request: StaffRequest, form: RuleForm, draft: RuleSet, rule: Rule | None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "moderation/rule_form.html",
        {"form": form, "draft": draft, "rule": rule},
        status=status,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def rule_add(request: StaffRequest) -> HttpResponse:
    draft = get_draft_for(request.user, request.organisation)
    form = RuleForm(request.POST or None, auto_id="rule-%s")
    if request.method == "GET":
        return _rule_form_page(request, form, draft, None)
    if not form.is_valid():
        return _rule_form_page(request, form, draft, None, status=400)
    try:
        rule_actions.add_rule(rule_set=draft, wording=_wording(form))
    except RuleSetRefused as refused:
        form.add_error(None, str(refused.message))
        return _rule_form_page(request, form, draft, None, status=409)
    messages.success(request, _("The rule is added to the draft."))
    return redirect("moderation:rules")


@staff_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: StaffRequest, pk: int) -> HttpResponse:
    rule = get_draft_rule_for(request.user, request.organisation, pk)
    initial = {
        name: getattr(rule, name)
        for name in (
            "code",
            "title_da",
            "text_da",
            "title_sv",
            "text_sv",
            "title_en",
            "text_en",
            "priority_offence",
        )
    }
    form = RuleForm(request.POST or None, initial=initial, auto_id="rule-%s")
    if request.method == "GET":
        return _rule_form_page(request, form, rule.rule_set, rule)
    if not form.is_valid():
        return _rule_form_page(request, form, rule.rule_set, rule, status=400)
    try:
        rule_actions.edit_rule(rule=rule, wording=_wording(form))
    except RuleSetRefused as refused:
        form.add_error(None, str(refused.message))
        return _rule_form_page(request, form, rule.rule_set, rule, status=409)
    messages.success(request, _("The rule is saved in the draft."))
    return redirect("moderation:rules")


@staff_required
@require_POST
def rule_remove(request: StaffRequest, pk: int) -> HttpResponse:
    rule = get_draft_rule_for(request.user, request.organisation, pk)
    rule_actions.remove_rule(rule=rule)
    messages.success(request, _("The rule is removed from the draft."))
    return redirect("moderation:rules")


@staff_required
@require_POST
def rule_move(request: StaffRequest, pk: int) -> HttpResponse:
    rule = get_draft_rule_for(request.user, request.organisation, pk)
    rule_actions.move_rule(rule=rule, up=request.POST.get("direction") == "up")
    return redirect("moderation:rules")


@staff_required
@require_POST
def publish(request: StaffRequest, version: int) -> HttpResponse:
    _require_manager(request.user)
    try:
        rule_set = RuleSet.objects.get(organisation=request.organisation, version=version)
    except RuleSet.DoesNotExist:
        raise Http404(str(version)) from None
    form = PublishForm(request.POST, auto_id="publish-%s")
    if not rule_set.is_draft:
        messages.error(
            request,
            _("Version %(version)s was already published. Nothing was changed.")
            % {"version": rule_set.version},
        )
        return redirect("moderation:rules")
    if not form.is_valid():
        return _staff_page(request, publish_form=form, status=400)
    try:
        published = rule_actions.publish_rule_set(
            rule_set=rule_set,
            administrator=request.user,
            in_force_from=form.cleaned_data["in_force_from"],
        )
    except RuleSetRefused as refused:
        form.add_error(None, str(refused.message))
        return _staff_page(request, publish_form=form, status=409)
    assert published.in_force_from is not None
    messages.success(
        request,
        _("Version %(version)s is published and in force from %(start)s.")
        % {
            "version": published.version,
            "start": date_format(
                timezone.localtime(published.in_force_from), "SHORT_DATETIME_FORMAT"
            ),
        },
    )
    return redirect("moderation:rules")
