"""Staff sign in with a password, and with a TOTP code where the role demands it."""

from __future__ import annotations

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from torget.accounts.models import Organisation, Role, User
from torget.conftest import PASSWORD, current_code, make_person


def _password(client: Client, user: User, password: str = PASSWORD) -> str:
    response = client.post(
        "/staff/account/sign-in/", {"username": user.username, "password": password}
    )
    return str(response.get("Location", str(response.status_code)))


def test_a_moderator_needs_the_second_factor_before_any_staff_page(
    client: Client, alice: User
) -> None:
    assert _password(client, alice).endswith("/staff/account/second-factor/")
    # Password alone is not enough: the staff pages send her back to the code.
    response = client.get("/staff/moderation/")
    assert response.status_code == 302
    assert response["Location"].endswith("/staff/account/second-factor/")

    response = client.post("/staff/account/second-factor/", {"code": current_code(alice)})
    assert response.status_code == 302
    assert client.get("/staff/moderation/").status_code == 200


def test_a_wrong_code_is_refused_with_a_clear_message(client: Client, alice: User) -> None:
    _password(client, alice)
    code = current_code(alice)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post(
        "/staff/account/second-factor/", {"code": wrong}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert client.get("/staff/moderation/").status_code == 302


def test_a_dialogue_owner_signs_in_with_password_only(client: Client, olga: User) -> None:
    assert _password(client, olga).endswith("/staff/")
    assert client.get("/staff/").status_code == 200


def test_someone_without_a_device_enrols_an_authenticator_first(
    client: Client, organisation: Organisation
) -> None:
    rita = make_person(organisation, "newmod", Role.RECORDS_OFFICER, with_device=False)
    _password(client, rita)
    page = client.get("/staff/account/second-factor/")
    assert page.status_code == 200
    assert b"data:image/svg+xml" in page.content  # the QR code, inline as an image
    device = TOTPDevice.objects.get(user=rita, confirmed=False)
    from django_otp.oath import totp

    code = f"{totp(device.bin_key):06d}"
    response = client.post("/staff/account/second-factor/", {"code": code})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_repeated_failed_sign_ins_are_paused(client: Client, olga: User) -> None:
    for _attempt in range(5):
        assert _password(client, olga, "wrong") == "400"
    # Even the right password is refused while the pause lasts.
    response = client.post("/staff/account/sign-in/", {"username": "olga", "password": PASSWORD})
    assert response.status_code == 429
    assert client.get("/staff/").status_code == 302


def test_a_citizen_cannot_reach_staff_pages(client: Client, organisation: Organisation) -> None:
    response = client.get("/staff/")
    assert response.status_code == 302
    assert "/staff/account/sign-in/" in response["Location"]


def test_a_person_without_any_role_is_refused(client: Client, organisation: Organisation) -> None:
    nobody = make_person(organisation, "nobody", with_device=False)
    _password(client, nobody)
    assert client.get("/staff/").status_code == 403


def test_sign_out_needs_a_post(client: Client, olga: User) -> None:
    _password(client, olga)
    assert client.get("/staff/account/sign-out/").status_code == 405
    assert client.post("/staff/account/sign-out/").status_code == 302
    assert client.get("/staff/").status_code == 302
