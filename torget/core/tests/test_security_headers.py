"""Every page carries a strict Content-Security-Policy and no third-party origin."""

from __future__ import annotations

from django.test import Client

from torget.accounts.models import Organisation


def test_pages_forbid_inline_script_and_other_origins(
    client: Client, organisation: Organisation
) -> None:
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_pages_contain_no_inline_scripts_or_styles(
    client: Client, organisation: Organisation
) -> None:
    body = client.get("/rules/").content.decode()
    assert "<script>" not in body
    assert "style=" not in body
    assert "<style" not in body
