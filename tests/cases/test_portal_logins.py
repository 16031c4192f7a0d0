"""The staff side of the family's logins: giving a guardian or a young person a login to the family's own pages,
taking it away, and the parental responsibility a guardian's login depends on."""

from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from cases import access, actions
from cases.models import FamilyUserObjectPermission, Person, PersonRole
from familielos import roles
from familielos.errors import Refused
from familielos.models import AccessAction, AccessEvent
from portal import signin
from portal.models import PortalIdentity
from tests import factories
from tests.cases.test_query_counts import MAX_QUERIES
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

User = get_user_model()


def _born(years_ago: int) -> date:
    today = timezone.localdate()
    return date(today.year - years_ago, 1, 1)


@pytest.fixture
def guardian(family):
    return family.persons.get(role=PersonRole.GUARDIAN)


@pytest.fixture
def youth(family):
    return factories.person(family, first_name="Jonas", birth_date=_born(17))


@pytest.fixture
def young_child(family):
    return factories.person(family, first_name="Lille", birth_date=_born(10))


def _reader(family):
    """Staff who may see the family but not change it (granted by hand after the set-up: an action that syncs the
    family's grants removes a grant no rule gives)."""
    user = factories.unit_staff(username="lesar")
    access.grant_user(user, family, perms=(access.VIEW,))
    return user


def _shown(msgid, **params):
    """A message as a page in the default language shows it."""
    with translation.override("nb"):
        return escape(gettext(msgid) % params if params else gettext(msgid))


def _url(name, person):
    return reverse(f"cases:{name}", args=[person.family_id, person.pk])


def _give(client, person, email):
    return client.post(_url("give_login", person), {f"login-{person.pk}-email": email})


def _responsibility(client, person, *, has, reason):
    prefix = f"ansvar-{person.pk}"
    return client.post(_url("parental_responsibility", person), {f"{prefix}-has": has, f"{prefix}-reason": reason})


# The actions


def test_give_portal_login__guardian__is_a_family_login_without_password_that_uses_the_portal(staff, guardian):
    user = actions.give_portal_login(actor=staff, person=guardian, email=" Guro@Example.no ")

    guardian.refresh_from_db()
    assert guardian.user == user
    assert user.email == "Guro@example.no"
    assert "guro" not in user.username.lower()
    assert not user.has_usable_password()
    assert roles.role_of(user) == roles.FAMILY_MEMBER
    assert access.portal_person(user) == guardian
    assert not access.can(user, guardian.family)
    assert not FamilyUserObjectPermission.objects.filter(user=user).exists()


def test_give_portal_login__young_person_of_youth_age__may_use_the_portal(staff, youth):
    user = actions.give_portal_login(actor=staff, person=youth, email="jonas@example.no")
    assert access.portal_person(user) == youth


def test_give_portal_login__child_under_youth_age__is_refused_naming_the_age(staff, young_child, settings):
    settings.PORTAL_YOUTH_AGE = 15
    with pytest.raises(Refused, match="from the age of 15"):
        actions.give_portal_login(actor=staff, person=young_child, email="lille@example.no")
    assert not Person.objects.get(pk=young_child.pk).user_id
    assert not User.objects.filter(email="lille@example.no").exists()


def test_give_portal_login__child_without_date_of_birth__is_refused(staff, family):
    child = factories.person(family, first_name="Ukjend")
    with pytest.raises(Refused, match="date of birth"):
        actions.give_portal_login(actor=staff, person=child, email="ukjend@example.no")


def test_give_portal_login__guardian_without_parental_responsibility__is_refused(staff, family):
    guardian = factories.person(family, role=PersonRole.GUARDIAN, first_name="Stian")
    with pytest.raises(Refused, match="no parental responsibility"):
        actions.give_portal_login(actor=staff, person=guardian, email="stian@example.no")


def test_give_portal_login__other_household_member__is_refused(staff, family):
    other = factories.person(family, role=PersonRole.OTHER, first_name="Bestemor", birth_date=_born(70))
    with pytest.raises(Refused, match="Only guardians"):
        actions.give_portal_login(actor=staff, person=other, email="bestemor@example.no")


def test_give_portal_login__person_with_a_login__is_refused(staff, guardian):
    actions.give_portal_login(actor=staff, person=guardian, email="guro@example.no")
    with pytest.raises(Refused, match="already has a login"):
        actions.give_portal_login(actor=staff, person=guardian, email="guro2@example.no")


def test_give_portal_login__staff_address_in_other_letter_case__is_refused(staff, guardian):
    factories.unit_staff(username="rektor", email="rektor@skule.no")
    with pytest.raises(actions.UnusableEmail):
        actions.give_portal_login(actor=staff, person=guardian, email="REKTOR@skule.no")
    guardian.refresh_from_db()
    assert guardian.user is None
    assert User.objects.filter(email__iexact="rektor@skule.no").count() == 1


def test_give_portal_login__another_family_members_address__is_refused(staff, guardian, youth):
    actions.give_portal_login(actor=staff, person=youth, email="jonas@example.no")
    with pytest.raises(actions.UnusableEmail):
        actions.give_portal_login(actor=staff, person=guardian, email="Jonas@Example.no")


def test_give_portal_login__not_an_address__is_refused(staff, guardian):
    with pytest.raises(actions.UnusableEmail):
        actions.give_portal_login(actor=staff, person=guardian, email="guro at example")


def test_give_portal_login__address_with_letters_beyond_a_to_z__is_refused(staff, guardian):
    """The family's sign-in form refuses such an address, so a login given one could never be used."""
    with pytest.raises(actions.UnusableEmail, match="a to z"):
        actions.give_portal_login(actor=staff, person=guardian, email="karı@example.no")
    guardian.refresh_from_db()
    assert guardian.user is None


def test_give_portal_login__staff_without_change_grant__is_refused(outsider, guardian):
    for actor in (outsider, _reader(guardian.family)):
        with pytest.raises(PermissionDenied):
            actions.give_portal_login(actor=actor, person=guardian, email="guro@example.no")
    assert not User.objects.filter(email="guro@example.no").exists()


def test_link_family_login__staff_login__is_refused(staff, guardian):
    with pytest.raises(Refused, match="Only a family login"):
        actions.link_family_login(actor=staff, person=guardian, user=factories.unit_staff())
    guardian.refresh_from_db()
    assert guardian.user is None


def test_link_family_login__child_under_youth_age__is_refused(staff, young_child):
    login = factories.UserFactory(role=roles.FAMILY_MEMBER)
    with pytest.raises(Refused, match="from the age of"):
        actions.link_family_login(actor=staff, person=young_child, user=login)


def test_link_family_login__login_of_another_family_member__is_refused(staff, guardian, youth):
    login = factories.UserFactory(role=roles.FAMILY_MEMBER)
    actions.link_family_login(actor=staff, person=youth, user=login)
    with pytest.raises(Refused, match="another family member"):
        actions.link_family_login(actor=staff, person=guardian, user=login)


def test_remove_portal_login__unlinks_switches_off_and_ends_the_session(staff, guardian):
    user = actions.give_portal_login(actor=staff, person=guardian, email="guro@example.no")
    client = client_for(user)
    staff_page = reverse("cases:family_list")
    assert client.get(staff_page).status_code == 404  # signed in, and confined to the family's pages

    actions.remove_portal_login(actor=staff, person=guardian)

    guardian.refresh_from_db()
    user.refresh_from_db()
    assert guardian.user is None
    assert not user.is_active
    assert user.email == ""
    assert access.portal_person(user) is None
    # The session the login had is signed out at its next request.
    assert client.get(staff_page).url.startswith(reverse("login"))


def test_remove_portal_login__the_address_can_be_given_again(staff, guardian):
    old = actions.give_portal_login(actor=staff, person=guardian, email="guro@example.no")
    actions.remove_portal_login(actor=staff, person=guardian)
    new = actions.give_portal_login(actor=staff, person=guardian, email="guro@example.no")
    assert new != old
    assert access.portal_person(new) == guardian


def test_remove_portal_login__staff_account_linked_before_links_were_checked__is_unlinked_but_keeps_working(
    staff, guardian
):
    colleague = factories.unit_staff(username="kollega", email="kollega@skule.no")
    Person.objects.filter(pk=guardian.pk).update(user=colleague)
    actions.remove_portal_login(actor=staff, person=guardian)
    colleague.refresh_from_db()
    assert Person.objects.get(pk=guardian.pk).user is None
    assert colleague.is_active
    assert colleague.email == "kollega@skule.no"
    assert colleague.has_usable_password()


def test_remove_portal_login__frees_the_national_identity_for_the_next_login(staff, guardian):
    old = actions.give_portal_login(actor=staff, person=guardian, email="guro@example.no")
    PortalIdentity.objects.create(user=old, issuer="https://idporten.no", subject="01017012345")

    actions.remove_portal_login(actor=staff, person=guardian)
    new = actions.give_portal_login(actor=staff, person=guardian, email="guro@example.no")
    PortalIdentity.objects.create(user=new, issuer="https://idporten.no", subject="01017012345")

    assert not PortalIdentity.objects.filter(user=old).exists()
    assert PortalIdentity.objects.get(subject="01017012345").user == new


def test_remove_portal_login__keeps_the_other_family_members_identities(staff, guardian, youth):
    actions.give_portal_login(actor=staff, person=guardian, email="guro@example.no")
    young = actions.give_portal_login(actor=staff, person=youth, email="jonas@example.no")
    PortalIdentity.objects.create(user=guardian.user, issuer="https://idporten.no", subject="01017012345")
    PortalIdentity.objects.create(user=young, issuer="https://idporten.no", subject="01010712345")

    actions.remove_portal_login(actor=staff, person=guardian)

    assert list(PortalIdentity.objects.values_list("user", flat=True)) == [young.pk]


def test_portal_person__staff_account_linked_to_a_guardian__is_none_and_gets_no_sign_in_link(
    guardian, mailoutbox, settings
):
    settings.PORTAL_EMAIL_SIGN_IN = True
    colleague = factories.unit_staff(username="kollega", email="kollega@skule.no")
    Person.objects.filter(pk=guardian.pk).update(user=colleague)

    assert access.portal_person(colleague) is None
    assert client_for(colleague).get(reverse("portal:home")).status_code == 404
    assert signin.send_links("kollega@skule.no") == 0
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("role", "years", "responsibility"),
    [
        (PersonRole.GUARDIAN, 40, True),
        (PersonRole.GUARDIAN, 40, False),
        (PersonRole.CHILD, 17, False),
        (PersonRole.CHILD, 16, False),
        (PersonRole.CHILD, 15, False),
        (PersonRole.CHILD, None, False),
        (PersonRole.OTHER, 70, False),
    ],
)
def test_may_use_portal__is_exactly_when_there_is_no_refusal(family, role, years, responsibility):
    person = factories.person(
        family, role=role, birth_date=_born(years) if years else None, parental_responsibility=responsibility
    )
    may = (role == PersonRole.GUARDIAN and responsibility) or (role == PersonRole.CHILD and (years or 0) >= 16)
    assert access.may_use_portal(person) is may
    assert (access.portal_refusal(person) == "") is may


def test_remove_portal_login__no_login__is_refused(staff, guardian):
    with pytest.raises(Refused, match="has no login"):
        actions.remove_portal_login(actor=staff, person=guardian)


def test_remove_portal_login__read_only_staff__is_refused(staff, guardian):
    user = actions.give_portal_login(actor=staff, person=guardian, email="guro@example.no")
    with pytest.raises(PermissionDenied):
        actions.remove_portal_login(actor=_reader(guardian.family), person=guardian)
    assert access.portal_person(user) == guardian


def test_set_parental_responsibility__removed__ends_portal_access_at_once_and_restoring_gives_it_back(staff, guardian):
    user = actions.give_portal_login(actor=staff, person=guardian, email="guro@example.no")

    actions.set_parental_responsibility(actor=staff, person=guardian, has=False, reason="Dom i tingretten.")
    assert access.portal_person(user) is None
    guardian.refresh_from_db()
    assert guardian.user == user  # still linked, refused while the responsibility is gone

    actions.set_parental_responsibility(actor=staff, person=guardian, has=True, reason="Ny avtale.")
    assert access.portal_person(user) == guardian


def test_set_parental_responsibility__keeps_the_reason_and_the_actor_in_the_history(staff, guardian):
    actions.set_parental_responsibility(actor=staff, person=guardian, has=False, reason="Dom i tingretten.")
    event = (
        apps.get_model("cases", "PersonEvent")
        .objects.filter(pgh_obj_id=guardian.pk, pgh_label="update")
        .select_related("pgh_context")
        .get()
    )
    assert event.parental_responsibility is False
    assert event.pgh_context.metadata["reason"] == "Dom i tingretten."
    assert event.pgh_context.metadata["user"] == staff.pk


@pytest.mark.parametrize(
    ("role", "has", "reason", "refusal"),
    [
        (PersonRole.CHILD, True, "Feil.", "Only a guardian"),
        (PersonRole.GUARDIAN, True, "Har det alt.", "already recorded"),
        (PersonRole.GUARDIAN, False, "  ", "Give the reason"),
    ],
)
def test_set_parental_responsibility__guards(staff, family, role, has, reason, refusal):
    person = factories.person(family, role=role, parental_responsibility=role == PersonRole.GUARDIAN)
    with pytest.raises(Refused, match=refusal):
        actions.set_parental_responsibility(actor=staff, person=person, has=has, reason=reason)


def test_set_parental_responsibility__read_only_staff__is_refused(guardian):
    with pytest.raises(PermissionDenied):
        actions.set_parental_responsibility(actor=_reader(guardian.family), person=guardian, has=False, reason="Dom.")
    guardian.refresh_from_db()
    assert guardian.parental_responsibility


def test_set_parental_responsibility__staff_who_may_not_record_consents__is_refused(guardian):
    """Whose consents count follows it: it takes what recording a consent takes."""
    editor = factories.UserFactory(username="redaktor")
    access.grant_user(editor, guardian.family, perms=(access.VIEW, access.CHANGE))
    assert not editor.has_perm("cases.add_consent")
    with pytest.raises(Refused, match="cannot change who has parental responsibility"):
        actions.set_parental_responsibility(actor=editor, person=guardian, has=False, reason="Dom.")
    guardian.refresh_from_db()
    assert guardian.parental_responsibility


# The family page


def test_family_page__lists_guardians_and_young_people_with_their_login_state(staff, staff_client, guardian, youth):
    young = factories.person(guardian.family, first_name="Lillebror", birth_date=_born(9))
    actions.give_portal_login(actor=staff, person=youth, email="jonas@example.no")

    page = staff_client.get(guardian.family.get_absolute_url()).content.decode()
    section = page[page.index('id="portal-logins"') :]

    assert _shown("Logins for the family") in section
    assert "Jonas Test" in section
    assert "jonas@example.no" in section
    assert "Guro Test" in section
    assert _shown("No login.") in section
    assert young.first_name not in section
    assert _url("give_login", guardian) in section
    assert _url("remove_login", youth) in section
    assert _url("parental_responsibility", guardian) in section
    assert f'id="id_login-{guardian.pk}-email"' in section


def test_family_page__read_only_staff__sees_the_logins_but_no_forms(staff, guardian):
    actions.give_portal_login(actor=staff, person=guardian, email="guro@example.no")
    page = client_for(_reader(guardian.family)).get(guardian.family.get_absolute_url()).content.decode()
    assert "guro@example.no" in page
    assert "/innlogging/" not in page


def test_family_page__guardian_without_responsibility__says_why_and_offers_no_login(staff, staff_client, guardian):
    actions.set_parental_responsibility(actor=staff, person=guardian, has=False, reason="Dom.")
    page = staff_client.get(guardian.family.get_absolute_url()).content.decode()
    assert _shown("Does not have parental responsibility.") in page
    assert _url("give_login", guardian) not in page
    assert _shown("Record that parental responsibility is restored") in page


def test_family_page__query_count_does_not_grow_with_logins(staff, staff_client, family):
    url = family.get_absolute_url()

    def add(count):
        for n in range(count):
            guardian = factories.person(
                family, role=PersonRole.GUARDIAN, first_name=f"Verge{n}", parental_responsibility=True
            )
            actions.give_portal_login(actor=staff, person=guardian, email=f"verge{family.persons.count()}@example.no")

    def queries():
        staff_client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(url).status_code == 200
        return len(captured)

    add(5)
    small = queries()
    add(20)
    assert queries() == small <= MAX_QUERIES


# The views


def test_give_login__valid_address__redirects_to_the_family_page_and_is_audited(staff_client, guardian):
    response = _give(staff_client, guardian, "guro@example.no")

    assert response.status_code == 302
    assert response.url == guardian.family.get_absolute_url() + "#portal-logins"
    guardian.refresh_from_db()
    assert guardian.user.email == "guro@example.no"
    assert AccessEvent.objects.filter(
        family_id=guardian.family_id, action=AccessAction.CHANGE, object_type="person", object_id=str(guardian.pk)
    ).exists()
    page = staff_client.get(response.url).content.decode()
    msgid = "%(name)s has a login to the family's pages now (%(email)s)."
    assert _shown(msgid, name="Guro Test", email="guro@example.no") in page


@pytest.mark.parametrize(
    ("email_sign_in", "msgid"),
    [
        (True, "%(name)s then signs in at %(url)s with a one-time link sent to this address. No password is made."),
        (False, "%(name)s then signs in at %(url)s with ID-porten. No password is made."),
    ],
)
def test_family_page__the_login_form__says_how_the_family_signs_in_as_set_up(
    staff_client, guardian, settings, email_sign_in, msgid
):
    settings.PORTAL_EMAIL_SIGN_IN = email_sign_in

    page = staff_client.get(guardian.family.get_absolute_url()).content.decode()

    assert _shown(msgid, name="Guro", url=reverse("portal:sign_in")) in page


@pytest.mark.parametrize("email", ["", "guro at example"])
def test_give_login__bad_address__shows_the_error_and_keeps_the_input(staff_client, guardian, email):
    response = _give(staff_client, guardian, email)
    assert response.status_code == 200
    assert _shown("Please correct the following") in response.text
    assert f'value="{email}"' in response.text or not email
    assert Person.objects.get(pk=guardian.pk).user is None


def test_give_login__address_in_use__shows_the_error_at_the_field_and_keeps_the_input(staff_client, guardian):
    factories.unit_staff(username="rektor", email="rektor@skule.no")
    response = _give(staff_client, guardian, "Rektor@skule.no")
    assert response.status_code == 200
    assert (
        _shown("Another login already uses this e-mail address. Give the family member's own address.") in response.text
    )
    assert f'href="#id_login-{guardian.pk}-email"' in response.text
    assert 'value="Rektor@skule.no"' in response.text
    assert Person.objects.get(pk=guardian.pk).user is None


def test_give_login__child_too_young__shows_the_refusal(staff_client, young_child):
    response = _give(staff_client, young_child, "lille@example.no")
    assert response.status_code == 200
    assert (
        _shown("A young person can have a login to the family's pages from the age of %(age)s.", age=16)
        in response.text
    )
    assert Person.objects.get(pk=young_child.pk).user is None


def test_remove_login__removes_it_and_redirects(staff, staff_client, guardian):
    user = actions.give_portal_login(actor=staff, person=guardian, email="guro@example.no")
    response = staff_client.post(_url("remove_login", guardian))
    assert response.status_code == 302
    assert access.portal_person(user) is None
    assert _shown("%(name)s's login is removed.", name="Guro Test") in staff_client.get(response.url).text


def test_remove_login__no_login__shows_the_refusal(staff_client, guardian):
    response = staff_client.post(_url("remove_login", guardian))
    assert response.status_code == 200
    assert _shown("%(name)s has no login.", name="Guro Test") in response.text


def test_parental_responsibility__removed_with_a_reason__ends_the_portal_access(staff, staff_client, guardian):
    user = actions.give_portal_login(actor=staff, person=guardian, email="guro@example.no")
    response = _responsibility(staff_client, guardian, has="False", reason="Dom i tingretten.")
    assert response.status_code == 302
    assert access.portal_person(user) is None
    msgid = "%(name)s no longer has parental responsibility."
    assert _shown(msgid, name="Guro Test") in staff_client.get(response.url).text


def test_parental_responsibility__no_reason__shows_the_error_and_changes_nothing(staff_client, guardian):
    response = _responsibility(staff_client, guardian, has="False", reason="")
    assert response.status_code == 200
    assert _shown("Please correct the following") in response.text
    assert Person.objects.get(pk=guardian.pk).parental_responsibility


def test_parental_responsibility__failed_for_a_guardian_with_a_login__the_page_still_offers_to_remove_it(
    staff, staff_client, guardian
):
    actions.give_portal_login(actor=staff, person=guardian, email="guro@example.no")
    response = _responsibility(staff_client, guardian, has="False", reason="")
    assert response.status_code == 200
    assert "guro@example.no" in response.text
    assert _url("remove_login", guardian) in response.text


def test_parental_responsibility__second_click__changes_nothing_back(staff_client, guardian):
    _responsibility(staff_client, guardian, has="False", reason="Dom.")
    response = _responsibility(staff_client, guardian, has="False", reason="Dom.")
    assert response.status_code == 200
    assert _shown("This is already recorded. Reload the page to see how it stands now.") in response.text
    assert not Person.objects.get(pk=guardian.pk).parental_responsibility


@pytest.mark.parametrize("name", ["give_login", "remove_login", "parental_responsibility"])
def test_login_views__three_ways_and_read_only(name, staff, guardian, outsider, client):
    actions.give_portal_login(actor=staff, person=guardian, email="guro@example.no")
    reader = _reader(guardian.family)
    url = _url(name, guardian)
    assert client.post(url).url.startswith(reverse("login"))
    assert client_for(outsider).post(url).status_code == 404
    assert client_for(reader).post(url).status_code == 404
    assert client_for(staff).get(url).status_code == 405
    guardian.refresh_from_db()
    assert guardian.user.is_active
    assert guardian.parental_responsibility


@pytest.mark.parametrize("name", ["give_login", "remove_login", "parental_responsibility"])
def test_login_views__another_familys_person_id__is_404(name, staff, staff_client, family):
    other = factories.open_case(opener=factories.unit_staff(), family_name="Familien Berg")
    stranger = other.family.persons.get(role=PersonRole.GUARDIAN)
    url = reverse(f"cases:{name}", args=[family.pk, stranger.pk])
    assert staff_client.post(url, {f"login-{stranger.pk}-email": "berg@example.no"}).status_code == 404
    stranger.refresh_from_db()
    assert stranger.user is None
    assert stranger.parental_responsibility
