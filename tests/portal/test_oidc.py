"""Signing in with ID-porten (OpenID Connect), against a real OpenID Provider the tests start on 127.0.0.1."""

from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
import requests
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from portal.models import PortalIdentity
from tests.factories import PASSWORD
from tests.portal.oidc_provider import CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, TEST_PID, RunningProvider

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("portal:sign_in")
AUTHENTICATE = reverse("portal:oidc_authenticate")
BACKEND = "portal.oidc.PortalOIDCBackend"


@pytest.fixture(scope="module")
def provider():
    running = RunningProvider()
    yield running
    running.stop()


@pytest.fixture
def oidc(settings, provider):
    """The app configured for the local provider, from its discovery document, as for ID-porten's."""
    metadata = requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=10).json()
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_ISSUER = metadata["issuer"]
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = metadata["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = metadata["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = ""  # never called: the id_token holds the identity
    settings.OIDC_OP_JWKS_ENDPOINT = metadata["jwks_uri"]
    settings.OIDC_OP_LOGOUT_ENDPOINT = metadata["end_session_endpoint"]
    settings.OIDC_STORE_ID_TOKEN = True
    settings.AUTHENTICATION_BACKENDS = [BACKEND, *settings.AUTHENTICATION_BACKENDS]
    provider.provider.pid = TEST_PID
    provider.provider.issue_expired = False
    return provider


@pytest.fixture
def linked(oidc, parent):
    """The guardian's login, linked by staff to the national identity the provider signs in."""
    PortalIdentity.objects.create(user=parent, issuer=oidc.issuer, subject=TEST_PID)
    return parent


def _sign_in(client: Client, provider, *, next_url: str = "", before_callback=None):
    """The whole flow: our app, the provider (which signs the person in), our callback; real HTTP to the provider."""
    response = client.get(AUTHENTICATE, {"next": next_url} if next_url else {})
    assert response.status_code == 302
    to_provider = urlsplit(response["Location"])
    assert f"{to_provider.scheme}://{to_provider.netloc}{to_provider.path}" == f"{provider.issuer}/authorize"
    asked = parse_qs(to_provider.query)
    assert asked["code_challenge_method"] == ["S256"]
    assert asked["code_challenge"]
    assert asked["scope"] == ["openid profile"]
    assert asked["nonce"]
    assert asked["state"]
    assert asked["redirect_uri"] == [REDIRECT_URI]

    at_provider = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == REDIRECT_URI
    if before_callback:
        before_callback(asked["state"][0])
    return client.get(back.path, dict(parse_qsl(back.query)))


def _signed_in(client):
    return client.session.get(SESSION_KEY)


def test_id_porten__linked_guardian__is_signed_in_and_lands_on_the_family_pages(client, oidc, linked):
    response = _sign_in(client, oidc)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert _signed_in(client) == str(linked.pk)
    assert client.session[BACKEND_SESSION_KEY] == BACKEND


def test_id_porten__linked_youth__is_signed_in(client, oidc, youth_login):
    PortalIdentity.objects.create(user=youth_login, issuer=oidc.issuer, subject=TEST_PID)
    _sign_in(client, oidc)
    assert _signed_in(client) == str(youth_login.pk)


def test_id_porten__next_inside_the_family_pages__lands_there(client, oidc, linked):
    response = _sign_in(client, oidc, next_url=reverse("portal:log"))
    assert response["Location"] == reverse("portal:log")


@pytest.mark.parametrize("next_url", ["/familier/", "/min-familie/../familier/"])
def test_id_porten__next_outside_the_family_pages__is_ignored(client, oidc, linked, next_url):
    response = _sign_in(client, oidc, next_url=next_url)
    assert response["Location"] == reverse("portal:home")
    assert _signed_in(client) == str(linked.pk)


def test_id_porten__unknown_identity__not_signed_in_and_no_login_created(client, oidc, linked, caplog):
    oidc.provider.pid = "99999999999"
    users_before = User.objects.count()
    response = _sign_in(client, oidc)
    assert response["Location"] == SIGN_IN
    assert _signed_in(client) is None
    assert User.objects.count() == users_before
    assert not [record for record in caplog.records if record.name == "portal.oidc"]  # the provider said yes
    page = client.get(SIGN_IN)
    assert "Du ble ikke logget inn med ID-porten." in page.text


def test_id_porten__wrong_pkce_verifier__provider_refuses_the_code(client, oidc, linked, caplog):
    def tamper(state):
        session = client.session
        session["oidc_states"][state]["code_verifier"] = "x" * 64
        session.save()

    response = _sign_in(client, oidc, before_callback=tamper)
    assert response["Location"] == SIGN_IN
    assert _signed_in(client) is None
    assert "Code challenge failed" in caplog.text


def test_id_porten__guardian_without_parental_responsibility__not_signed_in(client, oidc, linked, guardian):
    guardian.parental_responsibility = False
    guardian.save()
    response = _sign_in(client, oidc)
    assert response["Location"] == SIGN_IN
    assert _signed_in(client) is None


def test_id_porten__identity_linked_to_a_staff_login__not_signed_in(client, oidc, staff):
    PortalIdentity.objects.create(user=staff, issuer=oidc.issuer, subject=TEST_PID)
    _sign_in(client, oidc)
    assert _signed_in(client) is None


def test_id_porten__token_from_another_issuer__not_signed_in(client, oidc, parent, settings):
    """The id_token names the provider it came from; a token from any other is refused, whatever it says."""
    settings.OIDC_OP_ISSUER = "https://idporten.no"
    PortalIdentity.objects.create(user=parent, issuer="https://idporten.no", subject=TEST_PID)
    response = _sign_in(client, oidc)
    assert response["Location"] == SIGN_IN
    assert _signed_in(client) is None


def test_id_porten__a_school_full_of_failed_attempts__does_not_lock_out_the_next_person(client, oidc, linked, settings):
    """axes counts the failures, but ID-porten sign-ins have no password to guess and are never locked out."""
    settings.AXES_FAILURE_LIMIT = 2
    oidc.provider.pid = "99999999999"
    for _ in range(3):
        _sign_in(Client(), oidc)
    oidc.provider.pid = TEST_PID
    _sign_in(client, oidc)
    assert _signed_in(client) == str(linked.pk)


def test_id_porten__on__staff_still_log_in_with_a_password(client, oidc, staff):
    response = client.post(reverse("login"), {"username": "laerer", "password": PASSWORD})
    assert response.status_code == 302
    assert _signed_in(client) == str(staff.pk)
    assert client.session[BACKEND_SESSION_KEY] == "familielos.backends.OneQueryModelBackend"


def test_id_porten__sign_out__ends_the_id_porten_session_too(client, oidc, linked):
    _sign_in(client, oidc)
    response = client.post(reverse("portal:sign_out"))
    assert _signed_in(client) is None
    to_provider = urlsplit(response["Location"])
    assert f"{to_provider.scheme}://{to_provider.netloc}{to_provider.path}" == f"{oidc.issuer}/logout"
    asked = parse_qs(to_provider.query)
    assert asked["post_logout_redirect_uri"] == [f"http://testserver{SIGN_IN}"]
    assert asked["id_token_hint"][0].count(".") == 2


def test_sign_in_page__id_porten_on__offers_it(client, oidc):
    assert f'href="{AUTHENTICATE}"' in client.get(SIGN_IN).text


def test_sign_in_page__id_porten_off__neither_button_nor_addresses(client, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    assert AUTHENTICATE not in client.get(SIGN_IN).text
    assert client.get(AUTHENTICATE).status_code == 404
    assert client.get(reverse("portal:oidc_callback"), {"code": "x", "state": "y"}).status_code == 404


# --- What the session keeps ----------------------------------------------------------------------------------------


def test_id_porten__signed_in__id_token_kept_for_logout(client, oidc, linked):
    _sign_in(client, oidc)
    assert client.session["oidc_id_token"].count(".") == 2


def test_id_porten__unknown_identity__no_id_token_left_in_the_session(client, oidc, linked):
    """The id_token carries the national identity number; mozilla-django-oidc would store it before we decide."""
    oidc.provider.pid = "99999999999"
    _sign_in(client, oidc)
    assert _signed_in(client) is None
    assert "oidc_id_token" not in client.session


def test_id_porten__failed__drops_an_id_token_an_anonymous_session_still_held(client, oidc, linked):
    """A session stored by an earlier version, which kept the token of a failed sign-in."""
    session = client.session
    session["oidc_id_token"] = "left.over.token"
    session.save()
    oidc.provider.pid = "99999999999"
    _sign_in(client, oidc)
    assert "oidc_id_token" not in client.session


def test_id_porten__over_a_staff_session__signs_in_and_keeps_the_id_token(client, oidc, linked, staff):
    """Signing in over another login starts a fresh session; the id_token for logout must survive it."""
    client.force_login(staff)
    _sign_in(client, oidc)
    assert _signed_in(client) == str(linked.pk)
    assert client.session["oidc_id_token"].count(".") == 2


def test_id_porten__expired_id_token__sign_in_page_with_a_message(client, oidc, linked, caplog):
    oidc.provider.issue_expired = True
    response = _sign_in(client, oidc)
    assert response.status_code == 302
    assert response["Location"] == SIGN_IN
    assert _signed_in(client) is None
    assert "oidc_id_token" not in client.session
    assert "Signature has expired" in caplog.text
    assert "Du ble ikke logget inn med ID-porten." in client.get(SIGN_IN).text


def test_id_porten__staff_account_linked_to_a_guardian__not_signed_in(client, oidc, staff, guardian):
    guardian.user = staff
    guardian.save()
    PortalIdentity.objects.create(user=staff, issuer=oidc.issuer, subject=TEST_PID)
    response = _sign_in(client, oidc)
    assert response["Location"] == SIGN_IN
    assert _signed_in(client) is None
    assert "oidc_id_token" not in client.session


@pytest.mark.parametrize(
    ("email_sign_in", "offers_the_link"), [(True, True), (False, False)], ids=["email_on", "email_off"]
)
def test_id_porten__failed__offers_the_e_mail_link_only_while_it_is_on(
    client, oidc, linked, settings, email_sign_in, offers_the_link
):
    settings.PORTAL_EMAIL_SIGN_IN = email_sign_in
    oidc.provider.pid = "99999999999"
    _sign_in(client, oidc)
    page = client.get(SIGN_IN).text
    assert "Du ble ikke logget inn med ID-porten." in page
    assert ("Du kan også logge inn med lenke på e-post." in page) is offers_the_link
    assert ('id="id_email"' in page) is email_sign_in
    assert f'href="{AUTHENTICATE}"' in page
