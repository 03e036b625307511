"""The records officer's pages: requests for public records, archive search, redaction and
release. Views validate and call records.py; they never write rows themselves."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from torget.accounts.decorators import staff_required
from torget.accounts.http import StaffRequest
from torget.archive import actions as archive_actions
from torget.archive import records
from torget.archive.export import ExportError, released_value
from torget.archive.models import ArchiveEntry, RecordsRequest, Release, RequestItem, RetentionRule
from torget.archive.permissions import (
    can_handle_records,
    can_manage_retention,
    can_work_on_request,
)
from torget.archive.queries import (
    ArchiveSearch,
    CappedPaginator,
    requests_for,
    retention_rules_of,
    search_entries,
)
from torget.archive.records import PassageNotFound, stored_content
from torget.archive.redaction import Span
from torget.site.records.forms import (
    FIELD_LABELS,
    RedactionForm,
    ReleaseForm,
    RequestForm,
    RetentionChangeForm,
    RetentionRuleForm,
    SearchForm,
)

RESULTS_PER_PAGE = 25


def get_request_for(request: StaffRequest, pk: int, *, write: bool = False) -> RecordsRequest:
    """The records request, if this person may see it (and work on it, with ``write``)."""
    if not can_handle_records(request.user):
        raise PermissionDenied
    records_request = get_object_or_404(
        RecordsRequest.objects.select_related("dialogue", "organisation"),
        pk=pk,
        organisation=request.organisation,
    )
    if write and not can_work_on_request(request.user, records_request):
        raise PermissionDenied
    return records_request


@staff_required
def request_list(request: StaffRequest) -> HttpResponse:
    if not can_handle_records(request.user):
        raise PermissionDenied
    return render(
        request,
        "archive/request_list.html",
        {"requests": requests_for(request.organisation), "today": timezone.localdate()},
    )


@staff_required
def request_new(request: StaffRequest) -> HttpResponse:
    if not can_handle_records(request.user):
        raise PermissionDenied
    form = RequestForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "archive/request_new.html", {"form": form}, status=400)
        data = form.cleaned_data
        records_request = records.register_request(
            organisation=request.organisation,
            officer=request.user,
            requester=data["requester"],
            requester_contact=data["requester_contact"],
            received_on=data["received_on"],
            scope=data["scope"],
            deadline=data["deadline"]
            or records.default_deadline(request.organisation, data["received_on"]),
            dialogue=data["dialogue"],
        )
        messages.success(
            request,
            _("Request %(reference)s is registered.") % {"reference": records_request.reference},
        )
        return redirect("records:detail", records_request.pk)
    return render(request, "archive/request_new.html", {"form": form})


def _selected(
    records_request: RecordsRequest, failed_form: RedactionForm | None, failed_item: int | None
) -> list[RequestItem]:
    items = list(
        records_request.items.select_related("entry__content", "entry__dialogue").prefetch_related(
            "redactions"
        )
    )
    for item in items:
        content = stored_content(item.entry)
        by_field: dict[str, list[Span]] = {}
        item.withheld = [  # type: ignore[attr-defined]
            (FIELD_LABELS[r.field], r.ground) for r in item.redactions.all()
        ]
        for redaction in item.redactions.all():
            by_field.setdefault(redaction.field, []).append(
                Span(redaction.start, redaction.end, redaction.ground)
            )
        # Shown as it goes out with automatic redaction (the release form's default).
        item.preview = [  # type: ignore[attr-defined]
            (FIELD_LABELS[name], released_value(name, value, by_field.get(name, []), True))
            for name, value in content.items()
        ]
        item.redaction_form = (  # type: ignore[attr-defined]
            failed_form
            if failed_form is not None and failed_item == item.pk
            else RedactionForm(prefix=f"redact-{item.pk}")
        )
    return items


def _detail(
    request: StaffRequest,
    records_request: RecordsRequest,
    *,
    redaction_form: RedactionForm | None = None,
    redaction_item: int | None = None,
    status: int = 200,
) -> HttpResponse:
    search = SearchForm(request.GET or None, organisation=request.organisation)
    page = None
    if request.GET and search.is_valid():
        data = search.cleaned_data
        found = search_entries(
            request.organisation,
            ArchiveSearch(
                text=data["q"],
                since=data["since"],
                until=data["until"],
                dialogue_id=data["dialogue"].pk if data["dialogue"] else None,
                channel=data["channel"],
                status=data["status"],
            ),
        )
        page = CappedPaginator(found, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        for entry in page.object_list:
            entry.preview = stored_content(entry)
    selected = _selected(records_request, redaction_form, redaction_item)
    return render(
        request,
        "archive/request_detail.html",
        {
            "records_request": records_request,
            "search": search,
            "page": page,
            "selected": selected,
            "selected_ids": {item.entry_id for item in selected},
            "redaction_item": redaction_item,
            "release_form": ReleaseForm(),
            "releases": records_request.releases.select_related("released_by"),
            "can_work": can_work_on_request(request.user, records_request),
            "query_string": request.GET.urlencode(),
        },
        status=status,
    )


@staff_required
def request_detail(request: StaffRequest, pk: int) -> HttpResponse:
    return _detail(request, get_request_for(request, pk))


@staff_required
@require_POST
def select(request: StaffRequest, pk: int) -> HttpResponse:
    records_request = get_request_for(request, pk, write=True)
    wanted = [int(value) for value in request.POST.getlist("entry") if value.isdigit()]
    entries = list(ArchiveEntry.objects.filter(seq__in=wanted, organisation=request.organisation))
    if entries:
        records.select_entries(request=records_request, entries=entries, officer=request.user)
        messages.success(
            request,
            ngettext("%(count)d entry selected.", "%(count)d entries selected.", len(entries))
            % {"count": len(entries)},
        )
    else:
        messages.warning(request, _("Tick the entries to select first."))
    back = request.POST.get("back", "")
    suffix = f"?{back}" if back and "\n" not in back else ""
    return redirect(f"{records_request.get_absolute_url()}{suffix}")


@staff_required
@require_POST
def unselect(request: StaffRequest, pk: int, item: int) -> HttpResponse:
    records_request = get_request_for(request, pk, write=True)
    chosen = get_object_or_404(RequestItem, pk=item, request=records_request)
    records.unselect_entry(request=records_request, item=chosen)
    return redirect(records_request.get_absolute_url())


@staff_required
@require_POST
def add_redaction(request: StaffRequest, pk: int, item: int) -> HttpResponse:
    records_request = get_request_for(request, pk, write=True)
    chosen = get_object_or_404(
        RequestItem.objects.select_related("entry__content"), pk=item, request=records_request
    )
    form = RedactionForm(request.POST, prefix=f"redact-{chosen.pk}")
    if form.is_valid():
        try:
            count = records.redact_passage(
                item=chosen,
                field=form.cleaned_data["field"],
                passage=form.cleaned_data["passage"],
                ground=form.cleaned_data["ground"],
            )
        except PassageNotFound as error:
            form.add_error("passage", str(error))
        else:
            messages.success(
                request,
                ngettext("%(count)d passage withheld.", "%(count)d passages withheld.", count)
                % {"count": count},
            )
            return redirect(records_request.get_absolute_url())
    return _detail(
        request, records_request, redaction_form=form, redaction_item=chosen.pk, status=400
    )


@staff_required
@require_POST
def release(request: StaffRequest, pk: int) -> HttpResponse:
    records_request = get_request_for(request, pk, write=True)
    if not records_request.items.exists():
        messages.warning(request, _("Select the entries to release first."))
        return redirect(records_request.get_absolute_url())
    form = ReleaseForm(request.POST)
    form.is_valid()  # a checkbox: any input is valid
    try:
        made = records.release_request(
            request=records_request,
            officer=request.user,
            redact_automatic=form.cleaned_data.get("redact_automatically", False),
        )
    except ExportError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            ngettext(
                "The release of %(count)d entry is ready to download.",
                "The release of %(count)d entries is ready to download.",
                made.entries,
            )
            % {"count": made.entries},
        )
    return redirect(records_request.get_absolute_url())


@staff_required
def download(request: StaffRequest, pk: int, release_pk: int) -> FileResponse:
    records_request = get_request_for(request, pk)
    made = get_object_or_404(Release, pk=release_pk, request=records_request)
    folder = Path(made.folder)
    if not folder.is_dir():
        raise PermissionDenied(_("The released bag is no longer on the server."))
    scratch = Path(tempfile.mkdtemp(prefix="torget-release-"))
    archive = shutil.make_archive(str(scratch / folder.name), "zip", folder.parent, folder.name)
    handle = Path(archive).open("rb")  # noqa: SIM115 - FileResponse closes it
    shutil.rmtree(scratch)  # the open handle keeps the data readable until it is closed
    return FileResponse(handle, as_attachment=True, filename=f"{folder.name}.zip")


@staff_required
@require_POST
def complete(request: StaffRequest, pk: int) -> HttpResponse:
    records_request = get_request_for(request, pk, write=True)
    records.complete_request(request=records_request, officer=request.user)
    messages.success(
        request,
        _("Request %(reference)s is completed; its holds are released.")
        % {"reference": records_request.reference},
    )
    return redirect(records_request.get_absolute_url())


# Retention rules ---------------------------------------------------------------------------


def _retention_page(
    request: StaffRequest, form: RetentionRuleForm, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "archive/retention.html",
        {"rules": retention_rules_of(request.organisation), "form": form},
        status=status,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def retention(request: StaffRequest) -> HttpResponse:
    """The retention plan as Torget applies it: one period per kind of entry."""
    if not can_manage_retention(request.user):
        raise PermissionDenied
    form = RetentionRuleForm(
        request.POST or None, organisation=request.organisation, auto_id="retention-%s"
    )
    if request.method == "GET":
        return _retention_page(request, form)
    if not form.is_valid():
        return _retention_page(request, form, status=400)
    data = form.cleaned_data
    archive_actions.save_retention_rule(
        organisation=request.organisation,
        actor=request.user,
        kind=data["kind"],
        keep_days=data["keep_days"],
        basis=data["basis"],
    )
    messages.success(request, _("The retention rule is saved."))
    return redirect("records:retention")


@staff_required
@require_http_methods(["GET", "POST"])
def retention_edit(request: StaffRequest, pk: int) -> HttpResponse:
    if not can_manage_retention(request.user):
        raise PermissionDenied
    rule = get_object_or_404(RetentionRule, pk=pk, organisation=request.organisation)
    form = RetentionChangeForm(
        request.POST or None, initial={"keep_days": rule.keep_days, "basis": rule.basis}
    )
    context = {"rule": rule, "form": form}
    if request.method == "GET":
        return render(request, "archive/retention_edit.html", context)
    if not form.is_valid():
        return render(request, "archive/retention_edit.html", context, status=400)
    archive_actions.save_retention_rule(
        organisation=request.organisation,
        actor=request.user,
        kind=rule.kind,
        keep_days=form.cleaned_data["keep_days"],
        basis=form.cleaned_data["basis"],
    )
    messages.success(request, _("The retention rule is saved."))
    return redirect("records:retention")
