"""The accessibility statement page shows what the authority's country requires: in Denmark a
summary with the link to the statement in WAS-Tool and the way to complain to the Danish Agency
for Digital Government; in Sweden the tillgänglighetsredogörelse with a way to report defects
and the supervisor, Digg."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from torget.accounts.models import AccessibilityStatement, Compliance, Organisation

DIGST = (
    "https://digst.dk/digital-inklusion/webtilgaengelighed/oplever-du-ikke-tilgaengeligt-indhold/"
)
DIGG = "https://www.digg.se/tdosanmalan"
TORGET_CHECKS = "check them with axe-core"


def _statement(organisation: Organisation, **values: object) -> AccessibilityStatement:
    fields: dict[str, object] = {
        "organisation": organisation,
        "compliance": Compliance.PARTIAL,
        "known_defects": "Kortet over cykelstien mangler en tekstbeskrivelse.\n\n"
        "Ældre PDF-filer er ikke tilgængelige.",
        "disproportionate_burden": "Scannede byrådsreferater fra før 2010.",
        "assessment_method": "Selvevaluering med skærmlæser.",
        "feedback_email": "tilgaengelighed@testby.example",
        "feedback_phone": "70 10 20 30",
        "prepared_on": date(2026, 1, 5),
        "updated_on": date(2026, 6, 1),
        "assessed_on": date(2026, 5, 20),
    }
    fields.update(values)
    return AccessibilityStatement.objects.create(**fields)


def test_a_danish_authority_shows_the_was_tool_fields(
    client: Client, organisation: Organisation
) -> None:
    # Given Testby Kommune (Danish) with its statement made in WAS-Tool,
    _statement(organisation, was_tool_url="https://www.was.digst.dk/testby-example")
    # when anyone opens the accessibility statement,
    page = client.get("/accessibility/").content.decode()

    # then it links to the statement in WAS-Tool and shows the compliance status,
    assert 'id="was-link" href="https://www.was.digst.dk/testby-example"' in page
    assert "webtilgængelighedsloven" in page
    assert '<p id="compliance-status"><strong>Partially compliant</strong></p>' in page
    # the content that is not accessible, why, and what is exempted,
    assert "<li>Kortet over cykelstien mangler en tekstbeskrivelse.</li>" in page
    assert "<li>Ældre PDF-filer er ikke tilgængelige.</li>" in page
    assert "<li>Scannede byrådsreferater fra før 2010.</li>" in page
    # how it was assessed, by the authority and by Torget's own automated checks,
    assert "Selvevaluering med skærmlæser." in page
    assert TORGET_CHECKS in page
    # when it was prepared and updated,
    assert '<time datetime="2026-01-05">Jan. 5, 2026</time>' in page
    assert '<time datetime="2026-06-01">June 1, 2026</time>' in page
    # written and telephone contact for feedback,
    assert 'href="mailto:tilgaengelighed@testby.example"' in page
    assert "70 10 20 30" in page
    # and where to complain: the Danish Agency for Digital Government, not Digg.
    assert f'id="complaint-link" href="{DIGST}"' in page
    assert "Digitaliseringsstyrelsen" in page
    assert DIGG not in page
    assert "DOS-lagen" not in page


def test_a_swedish_authority_shows_the_redogorelse_fields(
    client: Client, organisation: Organisation
) -> None:
    # Given the authority is Swedish, with a form for reporting defects,
    organisation.country = "SE"
    organisation.time_zone = "Europe/Stockholm"
    organisation.save()
    _statement(
        organisation,
        compliance=Compliance.FULL,
        feedback_email="tillganglighet@testby.example",
        feedback_phone="",
        defect_report_url="https://testby.example/rapportera-brist",
    )
    # when anyone opens the accessibility statement,
    page = client.get("/accessibility/").content.decode()

    # then it is a redogörelse under the DOS-lagen with the compliance status,
    assert "tillgänglighetsredogörelse" in page
    assert "DOS-lagen" in page
    assert '<p id="compliance-status"><strong>Fully compliant</strong></p>' in page
    # the known defects,
    assert "<li>Kortet over cykelstien mangler en tekstbeskrivelse.</li>" in page
    # how to report a defect, by form or e-mail,
    assert 'id="defect-form" href="https://testby.example/rapportera-brist"' in page
    assert 'href="mailto:tillganglighet@testby.example"' in page
    # the supervisor and how to report to it,
    assert "Myndigheten för digital förvaltning, Digg" in page
    assert f'id="complaint-link" href="{DIGG}"' in page
    # and the date of the assessment;
    assert '<time datetime="2026-05-20">May 20, 2026</time>' in page
    # nothing Danish: no WAS-Tool and no Danish agency.
    assert "WAS-Tool" not in page
    assert DIGST not in page
    assert "webtilgængelighedsloven" not in page


@pytest.mark.parametrize("country", ["DK", "SE"])
def test_without_a_statement_the_page_still_gives_a_contact_and_the_supervisor(
    client: Client, organisation: Organisation, country: str
) -> None:
    # Given an authority whose administrator has not filled in the statement yet,
    organisation.country = country
    organisation.save()
    # when anyone opens the page, then feedback goes to the authority's contact address.
    response = client.get("/accessibility/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "has not filled in the details of this statement yet" in page
    assert 'href="mailto:dialog@testby.example"' in page
    assert TORGET_CHECKS in page
    assert (DIGG if country == "SE" else DIGST) in page
    assert 'id="compliance-status"' not in page


def test_the_short_was_address_leads_a_danish_visitor_to_the_statement(
    client: Client, organisation: Organisation
) -> None:
    # Without a WAS-Tool address the short address leads to this site's page,
    response = client.get("/was/")
    assert response.status_code == 302 and response["Location"] == "/accessibility/"
    # with one it leads to WAS-Tool, as Danish rules require of <domain>/was.
    _statement(organisation, was_tool_url="https://www.was.digst.dk/testby-example")
    response = client.get("/was/")
    assert response.status_code == 302
    assert response["Location"] == "https://www.was.digst.dk/testby-example"


def test_the_short_was_address_is_danish_only(client: Client, organisation: Organisation) -> None:
    organisation.country = "SE"
    organisation.save()
    assert client.get("/was/").status_code == 404


def test_the_footer_links_both_pages(client: Client, organisation: Organisation) -> None:
    page = client.get("/").content.decode()
    footer = page[page.index('<footer class="site-footer">') :]
    assert 'href="/transparency/"' in footer
    assert 'href="/accessibility/"' in footer
