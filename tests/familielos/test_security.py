"""What a browser, a shared school PC and an attacker see: CSP, caching, login throttling, sessions, access."""

import json
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.conftest import client_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


class InlineCode(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, style elements and attributes, event handlers."""

    def __init__(self):
        super().__init__()
        self.inline_scripts: list[str] = []
        self.style_elements = 0
        self.style_attributes: list[str] = []
        self.event_handlers: list[str] = []
        self.meta: dict[str, str] = {}
        self._in_script = False
        self._script_body = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self._in_script = True
            self._script_body = ""
            if "src" not in attributes:
                self.inline_scripts.append("<script> without src")
        if tag == "style":
            self.style_elements += 1
        if tag == "meta" and "name" in attributes:
            self.meta[attributes["name"]] = attributes.get("content") or ""
        for name, value in attrs:
            if name == "style":
                self.style_attributes.append(f"<{tag} style={value!r}>")
            if name.startswith("on"):
                self.event_handlers.append(f"<{tag} {name}={value!r}>")

    def handle_data(self, data):
        if self._in_script:
            self._script_body += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False
            if self._script_body.strip():
                self.inline_scripts.append(self._script_body.strip()[:80])


def parse(response) -> InlineCode:
    parser = InlineCode()
    parser.feed(response.text)
    parser.close()
    return parser


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.fixture
def pages(client, staff_client, family):
    """The login page (anonymous), the family list and a family page (signed in)."""
    return {
        "login": client.get(reverse("login")),
        "family_list": staff_client.get(reverse("cases:family_list")),
        "family_detail": staff_client.get(family.get_absolute_url()),
    }


# --- Content Security Policy ---------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["login", "family_list", "family_detail"])
def test_csp__page__sends_strict_policy(pages, page):
    response = pages[page]
    assert response.status_code == 200

    header = response.headers["Content-Security-Policy"]
    directives = csp_directives(response)
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]


@pytest.mark.parametrize("page", ["login", "family_list", "family_detail"])
def test_csp__rendered_page__has_no_inline_script_or_style(pages, page):
    html = parse(pages[page])

    assert html.inline_scripts == []
    assert html.style_elements == 0
    assert html.style_attributes == []
    assert html.event_handlers == []


@pytest.mark.parametrize("page", ["login", "family_detail"])
def test_htmx_config__page__keeps_no_history_and_needs_no_unsafe_csp(pages, page):
    config = json.loads(parse(pages[page]).meta["htmx-config"])

    assert config["historyCacheSize"] == 0
    assert config["historyRestoreAsHxRequest"] is False
    assert config["includeIndicatorStyles"] is False
    assert config["allowEval"] is False


def test_htmx__under_debug_too__loads_no_handler_that_replaces_the_page_with_an_error_answer(
    settings, staff_client, family
):
    settings.DEBUG = True

    html = staff_client.get(family.get_absolute_url()).text

    assert "django_htmx/htmx-2.min.js" in html
    assert "django-htmx.js" not in html


@pytest.mark.parametrize("page", ["login", "family_list", "family_detail"])
def test_security_headers__page__forbid_framing_and_sniffing(pages, page):
    response = pages[page]

    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


# --- Caching ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["family_list", "family_detail"])
def test_cache_control__signed_in_family_page__is_no_store(pages, page):
    cache_control = {part.strip() for part in pages[page].headers["Cache-Control"].split(",")}

    assert "no-store" in cache_control
    assert "private" in cache_control
    assert "public" not in cache_control


def test_cache_control__htmx_fragment_of_family_list__is_no_store(staff_client, family):
    response = staff_client.get(reverse("cases:family_list"), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert "HX-Request" in response.headers["Vary"]


# --- Login throttling (django-axes) -----------------------------------------------------------------------------


def log_in(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail_until_locked(username: str, ip: str) -> list[int]:
    client = Client(REMOTE_ADDR=ip)
    return [log_in(client, username, "wrong-password-123").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]


def test_login__right_password__signs_in(staff):
    client = Client(REMOTE_ADDR="10.1.1.1")

    response = log_in(client, staff.username, PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert is_signed_in(client)


def test_login__a_session_from_before__gets_a_new_key_so_a_planted_key_signs_no_one_in(staff):
    """Session fixation: a key someone made the browser use before the login is not the key of the signed-in
    session."""
    client = Client(REMOTE_ADDR="10.1.1.1")
    client.get(reverse("login"))
    client.session.save()
    planted = client.cookies[settings.SESSION_COOKIE_NAME].value

    log_in(client, staff.username, PASSWORD)

    assert is_signed_in(client)
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != planted
    assert not Session.objects.filter(session_key=planted).exists()


def test_login__one_failure_below_limit__still_signs_in(staff):
    client = Client(REMOTE_ADDR="10.1.1.1")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, staff.username, "wrong-password-123").status_code == 200

    response = log_in(client, staff.username, PASSWORD)

    assert response.status_code == 302
    assert is_signed_in(client)


def test_login__failure_limit_reached__locks_username_from_that_address(staff):
    statuses = fail_until_locked(staff.username, "10.1.1.1")
    assert statuses[-1] == 429
    client = Client(REMOTE_ADDR="10.1.1.1")

    response = log_in(client, staff.username, PASSWORD)

    assert response.status_code == 429
    assert not is_signed_in(client)


def test_login__username_locked_from_one_address__signs_in_from_another(staff):
    fail_until_locked(staff.username, "10.1.1.1")
    client = Client(REMOTE_ADDR="10.2.2.2")

    response = log_in(client, staff.username, PASSWORD)

    assert response.status_code == 302
    assert is_signed_in(client)


def test_login__username_locked_from_shared_address__other_username_there_signs_in(staff, outsider):
    fail_until_locked(staff.username, "10.1.1.1")
    client = Client(REMOTE_ADDR="10.1.1.1")

    response = log_in(client, outsider.username, PASSWORD)

    assert response.status_code == 302
    assert is_signed_in(client)


# --- Sessions ---------------------------------------------------------------------------------------------------


def test_session_settings__default__end_after_30_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is False


def test_session__activity__pushes_expiry_forward(staff_client):
    session = Session.objects.get(session_key=staff_client.session.session_key)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=1))

    response = staff_client.get(reverse("cases:family_list"))

    assert response.status_code == 200
    session.refresh_from_db()
    assert session.expire_date > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_session__expired__is_logged_out(staff_client, family):
    session_key = staff_client.session.session_key
    Session.objects.filter(session_key=session_key).update(expire_date=timezone.now() - timedelta(seconds=1))

    response = staff_client.get(family.get_absolute_url())

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "Familien Hansen" not in response.text


# --- Superusers and model permissions never open a family --------------------------------------------------------


@pytest.fixture
def global_viewer(db):
    """Unit staff holding the model-level permission to view every family, and no object grant."""
    user = factories.unit_staff(username="global")
    user.user_permissions.add(Permission.objects.get(content_type__app_label="cases", codename="view_family"))
    return user


@pytest.mark.parametrize("user_fixture", ["superuser", "global_viewer"])
def test_family_detail__superuser_or_global_permission_without_grant__is_404(request, family, user_fixture):
    client = client_for(request.getfixturevalue(user_fixture))

    response = client.get(family.get_absolute_url())

    assert response.status_code == 404
    assert "Familien Hansen" not in response.text


@pytest.mark.parametrize("user_fixture", ["superuser", "global_viewer"])
def test_family_list__superuser_or_global_permission_without_grant__does_not_list_family(request, family, user_fixture):
    client = client_for(request.getfixturevalue(user_fixture))

    response = client.get(reverse("cases:family_list"))

    assert response.status_code == 200
    assert "Familien Hansen" not in response.text
    assert family.get_absolute_url() not in response.text


@pytest.mark.parametrize("user_fixture", ["superuser", "global_viewer"])
def test_family_list_search__superuser_or_global_permission__finds_nothing(request, family, user_fixture):
    client = client_for(request.getfixturevalue(user_fixture))

    response = client.get(reverse("cases:family_list"), {"q": "Emma"})

    assert response.status_code == 200
    assert "Familien Hansen" not in response.text
