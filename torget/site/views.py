"""Public pages about the service as a whole: the accessibility statement."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from torget.accounts.http import TorgetRequest
from torget.accounts.models import AccessibilityStatement, Country, Organisation

# Where a citizen turns when the authority does not put an accessibility problem right.
SUPERVISOR_URL = {
    Country.DENMARK: "https://digst.dk/digital-inklusion/webtilgaengelighed/oplever-du-ikke-tilgaengeligt-indhold/",
    Country.SWEDEN: "https://www.digg.se/tdosanmalan",
}


def _authority(request: TorgetRequest) -> Organisation:
    if request.organisation is None:
        raise Http404
    return request.organisation


def accessibility(request: TorgetRequest) -> HttpResponse:
    organisation = _authority(request)
    statement = AccessibilityStatement.objects.filter(organisation=organisation).first()
    return render(
        request,
        "site/accessibility.html",
        {
            "statement": statement,
            # Denmark's statement is made in WAS-Tool and summarised here; Sweden's
            # tillgänglighetsredogörelse is this page, with its own wording and supervisor.
            "sweden": organisation.country == Country.SWEDEN,
            # Someone must be reachable before the administrator has filled in the statement.
            "feedback_email": statement.feedback_email if statement else organisation.contact_email,
            "complaint_url": SUPERVISOR_URL[Country(organisation.country)],
        },
    )


def was_statement(request: TorgetRequest) -> HttpResponse:
    """The short address <domain>/was that Danish authorities must point at their statement
    in WAS-Tool."""
    organisation = _authority(request)
    if organisation.country != Country.DENMARK:
        raise Http404
    statement = AccessibilityStatement.objects.filter(organisation=organisation).first()
    if statement is not None and statement.was_tool_url:
        return redirect(statement.was_tool_url)
    return redirect("site:accessibility")
