"""Signing in to the family's own pages with a one-time link sent by e-mail."""

import hashlib
import re
import socket
from datetime import timedelta

import pytest
from axes.models import AccessLog
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal import tasks
from portal.models import SignInLink
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

SIGN_IN = reverse("portal:sign_in")
SENT = reverse("portal:sign_in_sent")
NEUTRAL = "Hvis adressen hører til en innlogging, har vi sendt en lenke til den."


def _ask(client, email, *, next_url="", **headers):
    data = {"email": email, **({"next": next_url} if next_url else {})}
    return client.post(SIGN_IN, data, follow=True, **headers)


def _link_path(mail) -> str:
    url = re.search(r"https?://testserver(/min-familie/logg-inn/[\w-]+/(?:\?\S*)?)", mail.body).group(1)
    return url


def _signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


# --- Asking for a link ---------------------------------------------------------------------------------------------


def test_sign_in_page__signed_out__shows_a_labelled_form_and_no_id_porten_button(client):
    response = client.get(SIGN_IN)
    assert response.status_code == 200
    assert '<label for="id_email">' in response.text
    assert reverse("portal:oidc_authenticate") not in response.text


def test_staff_login_page__links_to_the_family_sign_in(client):
    response = client.get(reverse("login"))
    assert f'href="{SIGN_IN}"' in response.text


def test_request_link__guardian__mails_a_link_in_plain_norwegian(client, parent, mailoutbox):
    response = _ask(client, "FORELDER@example.no")  # any case
    assert response.redirect_chain == [(SENT, 302)]
    assert NEUTRAL in response.text
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["forelder@example.no"]
    assert mail.subject == "Lenken din for å logge inn i Familielos"
    assert mail.body.startswith("Hei Guro,")
    assert "/min-familie/logg-inn/" in mail.body
    assert "Lenken virker én gang, i 15 minutter." in mail.body
    assert "&amp;" not in mail.body


def test_request_link__norwegian_reader__gets_the_mail_in_their_language(client, parent, mailoutbox):
    client.cookies["django_language"] = "nn"
    response = _ask(client, "forelder@example.no")
    assert "Viss adressa høyrer til ei innlogging" in response.text
    assert mailoutbox[0].body.startswith("Hei Guro,")
    assert "Lenkja" in mailoutbox[0].body


def test_request_link__youth__mails_a_link(client, youth_login, mailoutbox):
    _ask(client, "ungdom@example.no")
    assert [mail.to for mail in mailoutbox] == [["ungdom@example.no"]]


def test_request_link__token_is_stored_only_as_its_hash(client, parent, mailoutbox):
    _ask(client, "forelder@example.no")
    token = _link_path(mailoutbox[0]).rstrip("/").rsplit("/", 1)[-1]
    link = SignInLink.objects.get(user=parent)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not SignInLink.objects.filter(token_hash__contains=token).exists()
    assert link.used_at is None
    assert timedelta(minutes=14) < link.expires_at - timezone.now() <= timedelta(minutes=15)


@pytest.mark.parametrize("email", ["nobody@example.no", "laerer@example.no"])
def test_request_link__unknown_or_staff_address__same_answer_and_no_mail(client, parent, staff, mailoutbox, email):
    staff.email = "laerer@example.no"
    staff.save()
    response = _ask(client, email)
    assert response.redirect_chain == [(SENT, 302)]
    assert NEUTRAL in response.text
    assert mailoutbox == []
    assert not SignInLink.objects.exists()


def test_request_link__guardian_without_parental_responsibility__no_mail(client, parent, guardian, mailoutbox):
    guardian.parental_responsibility = False
    guardian.save()
    response = _ask(client, "forelder@example.no")
    assert NEUTRAL in response.text
    assert mailoutbox == []


def test_request_link__inactive_login__no_mail(client, parent, mailoutbox):
    parent.is_active = False
    parent.save()
    _ask(client, "forelder@example.no")
    assert mailoutbox == []


@pytest.mark.parametrize("email", ["", "not-an-address"])
def test_request_link__bad_input__shows_the_error_and_keeps_the_input(client, parent, mailoutbox, email):
    response = client.post(SIGN_IN, {"email": email})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert 'href="#id_email"' in response.text
    assert f'value="{email}"' in response.text or not email
    assert mailoutbox == []


def test_request_link__over_the_address_limit__same_answer_and_no_mail(client, parent, settings, mailoutbox):
    settings.SIGN_IN_LINKS_PER_ADDRESS_PER_HOUR = 2
    responses = [_ask(client, "forelder@example.no", REMOTE_ADDR=f"10.0.0.{n}") for n in range(3)]
    assert all(NEUTRAL in response.text for response in responses)
    assert len(mailoutbox) == 2


def test_request_link__over_the_ip_limit__same_answer_and_no_mail(client, parent, youth_login, settings, mailoutbox):
    settings.SIGN_IN_LINKS_PER_IP_PER_HOUR = 2
    _ask(client, "nobody@example.no")
    _ask(client, "forelder@example.no")
    response = _ask(client, "ungdom@example.no")
    assert NEUTRAL in response.text
    assert [mail.to for mail in mailoutbox] == [["forelder@example.no"]]
    _ask(client, "ungdom@example.no", REMOTE_ADDR="10.9.8.7")
    assert len(mailoutbox) == 2


def test_request_link__look_alike_letters__count_against_the_same_login(client, guardian, settings, mailoutbox):
    """PostgreSQL's UPPER() matches a dotless 'ı' and the Kelvin sign 'K' to plain letters: typed so, an address
    must not buy a fresh allowance for the same login."""
    factories.family_login(guardian, username="kari", email="kari@example.no")
    settings.SIGN_IN_LINKS_PER_ADDRESS_PER_HOUR = 2
    typed = ["kari@example.no", "KARI@example.no", "karı@example.no", "\u212aari@example.no", "kari@EXAMPLE.NO"]
    for n, email in enumerate(typed):
        _ask(client, email, REMOTE_ADDR=f"10.0.1.{n}")
    assert [mail.to for mail in mailoutbox] == [["kari@example.no"]] * 2


def test_request_link__dotless_i__refused_with_a_clear_message_and_no_mail(client, guardian, mailoutbox):
    factories.family_login(guardian, username="kari", email="kari@example.no")
    response = client.post(SIGN_IN, {"email": "karı@example.no"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "Skriv adressen med bokstavene a til z, uten æ, ø, å eller andre spesielle bokstaver. Hvis adressen din "
        "har slike bokstaver, spør familielosen eller kontaktpersonen din."
    ]
    assert 'value="karı@example.no"' in response.text
    assert mailoutbox == []
    assert not SignInLink.objects.exists()


# --- The same work for every address ------------------------------------------------------------------------------


def _statements(client, email, ip):
    """The SQL a request for a link runs, with its values blanked: the shape of the work done."""
    with CaptureQueriesContext(connection) as queries:
        response = client.post(SIGN_IN, {"email": email}, REMOTE_ADDR=ip)
    assert response.status_code == 302
    assert response["Location"] == SENT
    return [re.sub(r"'[^']*'|\b\d+\b|\"s\d+_x\d+\"", "?", query["sql"]) for query in queries.captured_queries]


@pytest.mark.django_db(transaction=True)
def test_request_link__production_tasks__request_does_the_same_work_for_any_address(
    client, parent, settings, mailoutbox
):
    """With the database task backend, the request only enqueues: a known and an unknown address run the same SQL,
    send nothing and store one task each. The worker then mails the known one only."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.get(SIGN_IN)
    known = _statements(client, "forelder@example.no", "10.0.2.1")
    unknown = _statements(client, "nobody@example.no", "10.0.2.2")
    assert known == unknown
    assert mailoutbox == []
    assert not SignInLink.objects.exists()
    assert [result.task_path for result in DBTaskResult.objects.all()] == ["portal.tasks.send_sign_in_link"] * 2
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert sorted(result.status for result in DBTaskResult.objects.all()) == ["SUCCESSFUL", "SUCCESSFUL"]
    assert [mail.to for mail in mailoutbox] == [["forelder@example.no"]]


def test_request_link__mail_server_down__same_answer_and_logged(client, parent, settings, caplog):
    """A known address used to give a 500 when the mail server failed, an unknown one a redirect."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port, "timeout": 5},
        }
    }
    for email in ("forelder@example.no", "nobody@example.no"):
        response = _ask(client, email)
        assert response.redirect_chain == [(SENT, 302)]
        assert NEUTRAL in response.text
    assert f"Sign-in link e-mail to user {parent.pk} failed." in caplog.text


def test_request_link__forged_host_header__link_still_points_at_site_url(client, parent, settings, mailoutbox):
    settings.SITE_URL = "https://familielos.kommune.no"
    client.post(SIGN_IN, {"email": "forelder@example.no"}, HTTP_HOST="localhost")
    assert "https://familielos.kommune.no/min-familie/logg-inn/" in mailoutbox[0].body
    assert "localhost" not in mailoutbox[0].body


# --- PORTAL_EMAIL_SIGN_IN -------------------------------------------------------------------------------------------


def test_email_sign_in_on__form_shown_and_link_sent(client, parent, settings, mailoutbox):
    settings.PORTAL_EMAIL_SIGN_IN = True
    assert '<label for="id_email">' in client.get(SIGN_IN).text
    assert _ask(client, "forelder@example.no").redirect_chain == [(SENT, 302)]
    assert len(mailoutbox) == 1


def test_email_sign_in_off__no_form_and_every_address_of_it_is_404(client, parent, settings, mailoutbox):
    _ask(client, "forelder@example.no")
    link = _link_path(mailoutbox[-1])
    settings.PORTAL_EMAIL_SIGN_IN = False
    page = client.get(SIGN_IN)
    assert page.status_code == 200
    assert 'id="id_email"' not in page.text
    assert "Innlogging på sidene til familien er ikke åpnet ennå." in page.text
    assert client.post(SIGN_IN, {"email": "forelder@example.no"}).status_code == 404
    assert client.get(SENT).status_code == 404
    browser = Client()
    assert browser.get(link).status_code == 404
    assert browser.post(link).status_code == 404
    assert _signed_in_user_id(browser) is None
    assert SignInLink.objects.get(user=parent).used_at is None
    assert len(mailoutbox) == 1


def test_email_sign_in_off__task_enqueued_before__sends_nothing(parent, settings, mailoutbox):
    settings.PORTAL_EMAIL_SIGN_IN = False
    tasks.send_sign_in_link.enqueue("forelder@example.no", next_url="", language="nb")
    assert mailoutbox == []
    assert not SignInLink.objects.exists()


# --- A staff account linked to a person ---------------------------------------------------------------------------


@pytest.fixture
def staff_as_guardian(staff, guardian):
    """A staff account linked to the guardian's record: it must never be signed in to the family's pages."""
    staff.email = "laerer@example.no"
    staff.save()
    guardian.user = staff
    guardian.save()
    return staff


def test_request_link__staff_account_linked_to_a_guardian__no_mail(client, staff_as_guardian, mailoutbox):
    response = _ask(client, "laerer@example.no")
    assert NEUTRAL in response.text
    assert mailoutbox == []
    assert not SignInLink.objects.exists()


def test_link__staff_account_linked_to_a_guardian__does_not_sign_in(staff_as_guardian):
    token = "t" * 43
    SignInLink.objects.create(
        user=staff_as_guardian,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        expires_at=timezone.now() + timedelta(minutes=15),
    )
    browser = Client()
    response = browser.post(reverse("portal:sign_in_link", args=[token]))
    assert response.status_code == 410
    assert _signed_in_user_id(browser) is None


# --- Using the link ------------------------------------------------------------------------------------------------


@pytest.fixture
def link(client, parent, mailoutbox):
    """The path of a fresh link the guardian asked for."""
    _ask(client, "forelder@example.no")
    return _link_path(mailoutbox[-1])


def test_link__get__shows_a_button_and_does_not_use_the_link(link, parent):
    scanner = Client()
    for _ in range(3):
        response = scanner.get(link)
        assert response.status_code == 200
        assert '<button type="submit" class="button">' in response.text
        assert _signed_in_user_id(scanner) is None
    assert SignInLink.objects.get(user=parent).used_at is None
    person = Client()
    response = person.post(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert _signed_in_user_id(person) == str(parent.pk)


def test_link__post__signs_in_once_in_a_fresh_session(link, parent):
    browser = Client()
    browser.get(link)
    session_before = browser.session.session_key
    response = browser.post(link)
    assert response["Location"] == reverse("portal:home")
    assert _signed_in_user_id(browser) == str(parent.pk)
    assert browser.session.session_key != session_before
    assert SignInLink.objects.get(user=parent).used_at is not None
    assert AccessLog.objects.filter(username="forelder").exists()  # the sign-in is in axes' login log

    again = Client()
    response = again.post(link)
    assert response.status_code == 410
    assert "Lenken er brukt eller utløpt" in response.text
    assert f'href="{SIGN_IN}"' in response.text
    assert _signed_in_user_id(again) is None
    assert again.get(link).status_code == 410
    # Opened again in the browser it signed in: on to the family's pages, not a dead end.
    assert browser.get(link)["Location"] == reverse("portal:home")
    assert browser.post(link)["Location"] == reverse("portal:home")


def test_link__expired__does_not_sign_in(link, parent):
    SignInLink.objects.filter(user=parent).update(expires_at=timezone.now() - timedelta(seconds=1))
    browser = Client()
    assert browser.get(link).status_code == 410
    response = browser.post(link)
    assert response.status_code == 410
    assert _signed_in_user_id(browser) is None


def test_link__unknown_token__clear_page_not_an_error(client):
    path = reverse("portal:sign_in_link", args=["x" * 43])
    assert client.get(path).status_code == 410
    assert client.post(path).status_code == 410
    assert _signed_in_user_id(client) is None


def test_link__a_newer_link_replaces_the_older(client, link, parent, mailoutbox):
    _ask(client, "forelder@example.no")
    newer = _link_path(mailoutbox[-1])
    assert newer != link
    assert Client().post(link).status_code == 410
    browser = Client()
    assert browser.post(newer)["Location"] == reverse("portal:home")
    assert _signed_in_user_id(browser) == str(parent.pk)


def test_link__parental_responsibility_removed_after_the_mail__does_not_sign_in(link, guardian):
    guardian.parental_responsibility = False
    guardian.save()
    browser = Client()
    response = browser.post(link)
    assert response.status_code == 410
    assert _signed_in_user_id(browser) is None


def test_link__login_unlinked_after_the_mail__does_not_sign_in(link, guardian):
    guardian.user = None
    guardian.save()
    browser = Client()
    assert browser.post(link).status_code == 410
    assert _signed_in_user_id(browser) is None


def test_link__next_inside_the_family_pages__lands_there(client, parent, mailoutbox):
    target = reverse("portal:log")
    page = client.get(SIGN_IN, {"next": target})
    assert f'name="next" value="{target}"' in page.text
    _ask(client, "forelder@example.no", next_url=target)
    link = _link_path(mailoutbox[-1])
    assert "?next=" in link
    browser = Client()
    assert f'value="{target}"' in browser.get(link).text
    response = browser.post(link.split("?")[0], {"next": target})
    assert response["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/min-familie/",
        "//evil.example/min-familie/",
        "/",
        "/familier/",
        "/min-familie/../familier/",
        "/min-familie/%2e%2e/familier/",
        "/min-familie/logg-ut/",
    ],
)
def test_link__next_outside_the_family_pages__is_ignored(link, parent, target):
    browser = Client()
    response = browser.post(link.split("?")[0], {"next": target})
    assert response["Location"] == reverse("portal:home")
    assert _signed_in_user_id(browser) == str(parent.pk)


def test_link__staff_signed_in__becomes_the_family_member(link, parent, staff):
    browser = Client()
    browser.force_login(staff)
    browser.post(link)
    assert _signed_in_user_id(browser) == str(parent.pk)


def test_request_link__two_logins_of_one_family_share_an_address__each_gets_own_mail(
    client, parent, youth_login, mailoutbox
):
    youth_login.email = "forelder@example.no"
    youth_login.save()
    _ask(client, "forelder@example.no")
    assert sorted(mail.body.splitlines()[0] for mail in mailoutbox) == ["Hei Guro,", "Hei Jonas,"]
    assert SignInLink.objects.count() == 2


def test_sign_out__signs_out_and_back_to_the_sign_in_page(link, parent):
    browser = Client()
    browser.post(link)
    response = browser.post(reverse("portal:sign_out"))
    assert response["Location"] == SIGN_IN
    assert _signed_in_user_id(browser) is None
    assert browser.get(reverse("portal:sign_out")).status_code == 405


def test_portal_page__signed_out__goes_to_the_sign_in_page(client):
    response = client.get(reverse("portal:log"))
    assert response.status_code == 302
    assert response["Location"].startswith(f"{SIGN_IN}?next=")


def test_request_link__household_member_who_may_not_use_the_portal__no_mail(client, family, mailoutbox):
    """A person record without the portal rule (an adult in the household who is not a guardian)."""
    other = factories.person(family, role="other", first_name="Bestemor")
    user = factories.UserFactory(username="bestemor", email="bestemor@example.no")
    other.user = user
    other.save()
    _ask(client, "bestemor@example.no")
    assert mailoutbox == []


def test_sign_in__query_counts__pinned(client, parent, mailoutbox, django_assert_max_num_queries):
    """With tasks run at once (the demo, these tests) the request does the task's work too; with the production
    backend it does the same work for any address (the test with the database backend above)."""
    client.post(SIGN_IN, {"email": "nobody@example.no"})  # warm the cache table's first use
    with django_assert_max_num_queries(14):
        client.post(SIGN_IN, {"email": "nobody@example.no"})
    with django_assert_max_num_queries(31):
        client.post(SIGN_IN, {"email": "forelder@example.no"})
    link = _link_path(mailoutbox[-1])
    browser = Client()
    with django_assert_max_num_queries(1):
        browser.get(link)
    with django_assert_max_num_queries(15):
        browser.post(link)
    assert _signed_in_user_id(browser) == str(parent.pk)
