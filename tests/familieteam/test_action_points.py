"""Action points: level-1 agreements as action points (the data migration, recording again, ticking on the family
page), setting points in a familieteam meeting, ticking them (ownership, stale versions) and "Mine aksjonspunkt"."""

import importlib
import re
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from cases import access, actions
from cases import workflow as case_workflow
from cases.models import ActionPoint, ActionStatus, ConsentDecision, Level, OwnerKind, PersonRole
from familielos import once, roles
from familielos.errors import Refused
from familielos.models import AccessEvent, Membership
from familieteam import canvas, workflow
from familieteam.action_forms import ActionPointStatusForm
from familieteam.canvas_views import action_points_context
from familieteam.models import Column, LifeArea
from tests import factories
from tests.conftest import SENT_TWICE, client_for, form_token, post_twice, shown

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
ONLY_OWNER = "Only the person responsible or the familielos can change this action point."
STALE = "Someone else changed this just now. Look at it again and repeat your change."


# Level 1: the clarifying conversation's agreements.


def _samtale(case, staff):
    return actions.book_avklaringssamtale(
        actor=staff, case=case, starts_at=timezone.now() - timedelta(hours=1), place="Skulen"
    )


def _record(staff, samtale, agreements):
    samtale.refresh_from_db()
    return actions.record_avklaringssamtale(
        actor=staff, samtale=samtale, version=samtale.version, agreements=agreements, concern="Uro i friminutt."
    )


def _row(point, **changes):
    return {"point": point.pk, "what": point.what, "who": point.owner_name, "follow_up": point.due, **changes}


def test_migration__copies_every_agreement_to_an_open_action_point_of_its_conversation(case, staff):
    """The data migration's function, run with the models as they were before Agreement was removed; the old
    tables are made inside the test's transaction, so they vanish with it."""
    migration = importlib.import_module("cases.migrations.0012_agreements_to_action_points")
    old = MigrationExecutor(connection).loader.project_state(("cases", "0012_agreements_to_action_points")).apps
    Agreement = old.get_model("cases", "Agreement")
    with connection.schema_editor() as editor:
        editor.create_model(Agreement)
        editor.create_model(old.get_model("cases", "AgreementEvent"))
    samtale = _samtale(case, staff)
    due = timezone.localdate() + timedelta(days=14)
    Agreement.objects.create(samtale_id=samtale.pk, what="Fast vaksen i friminutt", who="Kontaktlæraren", follow_up=due)
    Agreement.objects.create(samtale_id=samtale.pk, what="Ringje heim kvar fredag", who="Mor")

    migration.copy_agreements(old, None)

    points = ActionPoint.objects.filter(samtale=samtale).order_by("pk")
    assert [
        (p.family_id, p.what, p.owner_kind, p.owner_name, p.due, p.status, p.created_by_id, p.meeting_id)
        for p in points
    ] == [
        (case.family_id, "Fast vaksen i friminutt", OwnerKind.OTHER, "Kontaktlæraren", due, "open", staff.pk, None),
        (case.family_id, "Ringje heim kvar fredag", OwnerKind.OTHER, "Mor", None, "open", staff.pk, None),
    ]


def test_record__again_from_the_form__updates_the_points_in_place_without_duplicates(case, staff):
    samtale = _samtale(case, staff)
    _record(staff, samtale, [{"what": "Fast vaksen", "who": "Skulen"}, {"what": "Lesekurs", "who": "Lærar"}])
    first, second = samtale.action_points.order_by("pk")

    _record(staff, samtale, [_row(first), _row(second, what="Lesekurs to gonger i veka")])

    assert [(p.pk, p.what, p.version) for p in samtale.action_points.order_by("pk")] == [
        (first.pk, "Fast vaksen", 1),
        (second.pk, "Lesekurs to gonger i veka", 2),
    ]


def test_record__again__keeps_points_done_and_removes_only_the_open_ones_cleared(case, staff):
    samtale = _samtale(case, staff)
    _record(staff, samtale, [{"what": "Fast vaksen", "who": "Skulen"}, {"what": "Lesekurs", "who": "Lærar"}])
    done, cleared = samtale.action_points.order_by("pk")
    workflow.set_action_point_status(actor=staff, point=done, status=ActionStatus.DONE, base_version=1)

    # The form shows the open point only; the person clears it and adds a new one.
    _record(staff, samtale, [{"what": "Møte med PPT", "who": "Rektor"}])

    assert sorted((p.what, p.status) for p in samtale.action_points.all()) == [
        ("Fast vaksen", "done"),
        ("Møte med PPT", "open"),
    ]
    assert not ActionPoint.objects.filter(pk=cleared.pk).exists()


def test_record__a_point_ticked_while_the_form_was_open__stays_as_ticked(case, staff):
    samtale = _samtale(case, staff)
    _record(staff, samtale, [{"what": "Fast vaksen", "who": "Skulen"}])
    [point] = samtale.action_points.all()
    workflow.set_action_point_status(actor=staff, point=point, status=ActionStatus.DONE, base_version=1)

    _record(staff, samtale, [_row(point, what="Endra tekst")])

    point.refresh_from_db()
    assert (point.what, point.status, samtale.action_points.count()) == ("Fast vaksen", "done", 1)


def test_record__a_point_of_another_conversation__is_refused_and_nothing_is_written(case, staff):
    other_case = factories.open_case(opener=staff, family_name="Familien Annan")
    other = _samtale(other_case, staff)
    _record(staff, other, [{"what": "Annan families avtale", "who": "Far"}])
    samtale = _samtale(case, staff)
    foreign = other.action_points.get()

    with pytest.raises(Refused, match="does not belong"):
        _record(staff, samtale, [_row(foreign, what="Kapra")])

    foreign.refresh_from_db()
    samtale.refresh_from_db()
    assert (foreign.what, samtale.recorded_at, samtale.action_points.count()) == ("Annan families avtale", None, 0)


def test_family_page__lists_agreements_with_status_and_ticks_them_in_place(case, staff, staff_client):
    samtale = _samtale(case, staff)
    _record(staff, samtale, [{"what": "Fast vaksen i friminutt", "who": "Skulen"}])
    point = samtale.action_points.get()
    page = staff_client.get(case.family.get_absolute_url())
    assert "Fast vaksen i friminutt" in page.text
    assert reverse("familieteam:action_point_status", args=[point.pk]) in page.text

    response = staff_client.post(
        reverse("familieteam:action_point_status", args=[point.pk]),
        {"status": "done", "comment": "Fungerer", "base_version": 1, "layout": "family", "next": "/"},
        **HTMX,
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<li id="action-point-{point.pk}"')
    assert "Fungerer" in response.text
    point.refresh_from_db()
    assert (point.status, point.status_by, point.version) == ("done", staff, 2)
    assert AccessEvent.objects.filter(family_id=case.family_id, object_type="actionpoint", action="change").exists()


def test_family_page__the_familys_own_login__reaches_neither_the_page_nor_the_tick(case, staff):
    samtale = _samtale(case, staff)
    _record(staff, samtale, [{"what": "Fast vaksen i friminutt", "who": "Skulen"}])
    point = samtale.action_points.get()
    parent = factories.UserFactory(role=roles.FAMILY_MEMBER)
    guardian = case.family.persons.get(role=PersonRole.GUARDIAN)
    actions.link_family_login(actor=staff, person=guardian, user=parent)
    parent_client = client_for(parent)

    page = parent_client.get(case.family.get_absolute_url())
    response = parent_client.post(
        reverse("familieteam:action_point_status", args=[point.pk]), {"status": "done", "base_version": 1}, **HTMX
    )

    # The family ticks its own points on its own pages; the staff's addresses are 404 to it.
    assert page.status_code == 404
    assert response.status_code == 404
    point.refresh_from_db()
    assert point.status == "open"


def test_family_page__query_count_is_the_same_with_5_and_25_agreements(case, staff, staff_client):
    samtale = _samtale(case, staff)
    url = case.family.get_absolute_url()

    def queries(count):
        _record(staff, samtale, [{"what": f"Avtale {n}", "who": "Skulen"} for n in range(count)])
        staff_client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(url).status_code == 200
        return len(captured)

    assert queries(5) == queries(25)


# Level 3: the meeting's action points.


@pytest.fixture(scope="module")
def level3_world(django_db_setup, django_db_blocker):
    """A level-3 family with a service member, a trusted person and a planned meeting under way (it began an hour
    ago) without action points, made once for the module and rolled back after it; each test runs in a savepoint
    inside it, rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        case, team, los, ressursteam_member = factories.case_at(Level.FAMILIELOS)
        member, user = factories.familieteam_member(case)
        trusted = factories.trusted_person(case)
        meeting = factories.familieteam_meeting(case, begun=True)
        yield {
            "case": case,
            "los": los,
            "member": member,
            "user": user,
            "trusted": trusted,
            "meeting": meeting,
            "ressursteam_member": ressursteam_member,
            "guardian": case.family.persons.get(role=PersonRole.GUARDIAN),
            "child": case.family.persons.get(role=PersonRole.CHILD),
        }
        transaction.set_rollback(True)


@pytest.fixture
def level3(db, level3_world):
    """The module's level-3 family read afresh for each test: an object a test changed (a member removed, the meeting
    finished) comes back to the next test as the rolled-back database holds it."""
    return {key: type(obj)._default_manager.get(pk=obj.pk) for key, obj in level3_world.items()}


def _new_url(meeting):
    return reverse("familieteam:action_point_new", args=[meeting.pk])


def _point_data(owner, *, what="Ringje PPT", due=None, cell=""):
    due = due or (timezone.localdate() + timedelta(days=14)).isoformat()
    return {"aksjon-what": what, "aksjon-owner": owner, "aksjon-due": due, "aksjon-cell": cell}


def _point(level3, owner_user, *, what="Ringje PPT", due=None):
    return workflow.set_action_point(
        actor=level3["los"],
        meeting=level3["meeting"],
        what=what,
        owner=workflow.Owner(OwnerKind.STAFF, user_id=owner_user.pk),
        due=due or timezone.localdate() + timedelta(days=7),
    )


def test_context__offers_every_owner_grouped_and_the_meetings_points(level3):
    _point(level3, level3["user"])
    context = action_points_context(level3["user"], level3["meeting"])
    groups = dict(context["action_point_form"].fields["owner"].choices[1:])

    assert [str(label) for label in groups] == ["Staff", "Guardians", "Children", "Trusted persons"]
    assert {value for options in groups.values() for value, _label in options} == {
        f"staff:{level3['los'].pk}",
        f"staff:{level3['user'].pk}",
        f"guardian:{level3['guardian'].pk}",
        f"child:{level3['child'].pk}",
        f"trusted:{level3['trusted'].pk}",
    }
    [point] = context["action_points"]
    assert (point.what, point.can_tick, context["can_set_action_points"]) == ("Ringje PPT", True, True)


@pytest.mark.parametrize(
    ("owner", "kind", "field"),
    [
        ("staff:{user.pk}", OwnerKind.STAFF, "owner_user_id"),
        ("staff:{los.pk}", OwnerKind.STAFF, "owner_user_id"),
        ("guardian:{guardian.pk}", OwnerKind.GUARDIAN, "owner_person_id"),
        ("child:{child.pk}", OwnerKind.CHILD, "owner_person_id"),
        ("trusted:{trusted.pk}", OwnerKind.TRUSTED, "owner_member_id"),
    ],
)
def test_new__each_kind_of_owner__is_set_and_the_fragment_comes_back(level3, owner, kind, field):
    value = owner.format(**level3)
    response = client_for(level3["user"]).post(_new_url(level3["meeting"]), _point_data(value), **HTMX)

    assert response.status_code == 200
    assert 'id="action-points"' in response.text
    assert '<p class="notice" role="status" tabindex="-1" autofocus>' in response.text
    point = ActionPoint.objects.get()
    assert (point.owner_kind, getattr(point, field), point.meeting, point.what) == (
        kind,
        int(value.split(":")[1]),
        level3["meeting"],
        "Ringje PPT",
    )
    assert point.owner_name in response.text


def test_new__a_member_whose_service_the_consent_no_longer_covers__is_refused_and_nothing_set(level3):
    """They would not see the point, nor the family: the guardian refused their service after they joined."""
    case, member = level3["case"], level3["member"]
    actions.record_consent(
        actor=level3["los"],
        family=case.family,
        given_by=level3["guardian"],
        decision=ConsentDecision.REFUSED,
        units=[member.unit],
        valid_from=timezone.localdate(),
    )

    with pytest.raises(Refused, match="cannot see the family"):
        _point(level3, level3["user"])
    owner = f"staff:{level3['user'].pk}"
    offered = action_points_context(level3["los"], level3["meeting"])["action_point_form"].fields["owner"].choices
    response = client_for(level3["los"]).post(_new_url(level3["meeting"]), _point_data(owner))

    assert owner not in {value for _group, options in offered[1:] for value, _label in options}
    assert response.context["action_point_form"].errors["owner"]
    assert not ActionPoint.objects.exists()


def test_new__a_member_whose_service_is_refused_but_who_sees_the_family_as_the_ressursteam__can_be_given_one(level3):
    case, user, unit = level3["case"], level3["ressursteam_member"], factories.ServiceUnitFactory()
    Membership.objects.create(user=user, unit=unit)
    factories.give_consent(case, units=[unit], actor=level3["los"])
    workflow.add_service_member(actor=level3["los"], team=case.familieteam, user=user, unit=unit)
    actions.record_consent(
        actor=level3["los"],
        family=case.family,
        given_by=level3["guardian"],
        decision=ConsentDecision.REFUSED,
        units=[unit],
        valid_from=timezone.localdate(),
    )

    point = _point(level3, user)
    offered = action_points_context(level3["los"], level3["meeting"])["action_point_form"].fields["owner"].choices

    assert access.can(user, case.family)
    assert point.owner_user == user
    assert f"staff:{user.pk}" in {value for _group, options in offered[1:] for value, _label in options}


def test_new__sent_twice__sets_the_point_once_with_htmx_or_without(level3):
    meeting, client = level3["meeting"], client_for(level3["user"])
    owner = f"staff:{level3['user'].pk}"
    sent = {**_point_data(owner), once.TOKEN_NAME: form_token(client.get(meeting.get_absolute_url()).text)}

    client.post(_new_url(meeting), sent, **HTMX)
    again = client.post(_new_url(meeting), sent, **HTMX)
    first_point = ActionPoint.objects.get()
    assert again["HX-Redirect"] == f"{meeting.get_absolute_url()}#action-point-{first_point.pk}"

    first, again = post_twice(client, _new_url(meeting), _point_data(owner, what="Ringje BUP"))
    second_point = ActionPoint.objects.get(what="Ringje BUP")
    assert first.url == meeting.get_absolute_url()
    assert again.redirect_chain == [(f"{meeting.get_absolute_url()}#action-point-{second_point.pk}", 302)]
    assert shown(SENT_TWICE) in again.text
    assert ActionPoint.objects.count() == 2


def test_new__from_a_cell_of_this_meeting__links_the_cell(level3):
    meeting = level3["meeting"]
    area = LifeArea.objects.first()
    save = workflow.save_cell(
        actor=level3["los"],
        meeting=meeting,
        life_area=area,
        column=Column.NOW,
        text="Ny leksehjelp",
        due=None,
        base_version=0,
    )
    data = _point_data(f"guardian:{level3['guardian'].pk}", cell=save.cell.pk)

    response = client_for(level3["los"]).post(_new_url(meeting), data)

    assert response.status_code == 302
    assert response.url == reverse("familieteam:meeting", args=[meeting.pk])
    assert ActionPoint.objects.get().cell == save.cell


@pytest.fixture(scope="module")
def other_family(django_db_setup, django_db_blocker):
    """Another level-3 family's staff member, guardian, trusted person and canvas cell, which no test changes: made once
    for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        other, *_ = factories.case_at(Level.FAMILIELOS, family_name="Familien Annan")
        _member, other_user = factories.familieteam_member(other)
        other_guardian = other.family.persons.get(role=PersonRole.GUARDIAN)
        other_trusted = factories.trusted_person(other, name="Annan nabo")
        other_meeting = factories.familieteam_meeting(other)
        other_cell = workflow.save_cell(
            actor=other.familielos,
            meeting=other_meeting,
            life_area=LifeArea.objects.first(),
            column=Column.NOW,
            text="Annan families tekst",
            due=None,
            base_version=0,
        ).cell
        yield {
            "user": other_user,
            "guardian": other_guardian,
            "trusted": other_trusted,
            "case": other,
            "cell": other_cell,
        }
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"aksjon-what": ""}, "what"),
        ({"aksjon-what": "x" * 301}, "what"),
        ({"aksjon-due": "snart"}, "due"),
        ({"aksjon-due": ""}, "due"),
        ({"aksjon-owner": ""}, "owner"),
        ({"aksjon-owner": "staff:{other[user].pk}"}, "owner"),
        ({"aksjon-owner": "staff:{ressursteam_member.pk}"}, "owner"),
        ({"aksjon-owner": "guardian:{other[guardian].pk}"}, "owner"),
        ({"aksjon-owner": "child:{guardian.pk}"}, "owner"),
        ({"aksjon-owner": "trusted:{other[trusted].pk}"}, "owner"),
        ({"aksjon-owner": "trusted:{member.pk}"}, "owner"),
        ({"aksjon-cell": "{other_cell.pk}"}, "cell"),
    ],
)
def test_new__bad_input__shows_the_error_and_writes_nothing(level3, other_family, change, field):
    values = {**level3, "other": other_family, "other_cell": other_family["cell"]}
    data = {**_point_data(f"staff:{level3['user'].pk}"), **{k: v.format(**values) for k, v in change.items()}}

    response = client_for(level3["los"]).post(_new_url(level3["meeting"]), data, **HTMX)

    assert response.status_code == 200
    assert 'class="error-summary"' in response.text
    assert f'href="#id_aksjon-{field}"' in response.text
    assert not ActionPoint.objects.exists()


def test_new__a_held_meeting__takes_no_new_point(level3):
    meeting = level3["meeting"]
    workflow.finish_meeting(
        actor=level3["los"],
        meeting=meeting,
        present=[],
        family_present="Mor",
        next_starts_at=meeting.starts_at + timedelta(days=30),
        next_place="Skulen",
    )
    meeting.refresh_from_db()
    assert action_points_context(level3["los"], meeting)["action_point_form"] is None

    response = client_for(level3["los"]).post(_new_url(meeting), _point_data(f"staff:{level3['user'].pk}"), **HTMX)

    assert response.status_code == 200
    assert shown("The meeting is over; its canvas is kept as it was.") in response.text
    # Nothing to write it in any more: what was typed is shown to copy into the next meeting.
    assert re.search(r'class="kept-text">.*?<dd class="typed-text">Ringje PPT</dd>', response.text, re.S)
    assert not ActionPoint.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "ressursteam_member", "opener", "removed"])
def test_new__someone_outside_the_familieteam__gets_404(level3, who):
    case = level3["case"]
    if who == "removed":
        workflow.remove_member(actor=level3["los"], member=level3["member"])
    user = {
        "outsider": factories.unit_staff(),
        "ressursteam_member": level3["ressursteam_member"],
        "opener": case.opened_by,
        "removed": level3["user"],
    }[who]

    response = client_for(user).post(_new_url(level3["meeting"]), _point_data(f"staff:{level3['los'].pk}"))

    assert response.status_code == 404
    assert not ActionPoint.objects.exists()


def test_new__anonymous__goes_to_login(level3, client):
    response = client.post(_new_url(level3["meeting"]), _point_data(f"staff:{level3['los'].pk}"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# Ticking.


def _tick(user, point, status="done", *, base_version=None, **extra):
    data = {"status": status, "comment": "", "base_version": base_version or point.version, **extra}
    return client_for(user).post(reverse("familieteam:action_point_status", args=[point.pk]), data, **HTMX)


def test_tick__a_member__ticks_their_own(level3):
    point = _point(level3, level3["user"])
    response = _tick(level3["user"], point)
    assert response.status_code == 200
    assert shown("Open again") in response.text
    point.refresh_from_db()
    assert (point.status, point.version) == ("done", 2)


def test_tick__a_member__may_not_tick_another_members_point(level3):
    point = _point(level3, level3["los"])
    response = _tick(level3["user"], point)
    assert response.status_code == 403
    assert shown(ONLY_OWNER) in response.text
    point.refresh_from_db()
    assert point.status == "open"


def test_tick__the_familielos__ticks_any_of_the_teams_points(level3):
    point = _point(level3, level3["user"])
    response = _tick(level3["los"], point, "dropped", comment="Ikkje lenger aktuelt")
    assert response.status_code == 200
    point.refresh_from_db()
    assert (point.status, point.comment, point.status_by) == ("dropped", "Ikkje lenger aktuelt", level3["los"])


def test_tick__from_an_older_version__is_refused_with_the_point_as_it_is_now(level3):
    point = _point(level3, level3["user"])
    workflow.set_action_point_status(actor=level3["los"], point=point, status="done", comment="Ferdig", base_version=1)

    response = _tick(level3["user"], point, "dropped", base_version=1)

    assert response.status_code == 200
    assert shown(STALE) in response.text
    assert "Ferdig" in response.text
    point.refresh_from_db()
    assert (point.status, point.version) == ("done", 2)


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"status": "gone"}, "status", "invalid_choice"),
        ({"base_version": "x"}, "base_version", "invalid"),
        ({"comment": "Ringte mor " + "x" * 1001}, "comment", "max_length"),
        ({"comment": "Ringte mor\u0007"}, "comment", "control_characters"),
        ({"comment": "\u200b"}, "comment", "unreadable"),
    ],
)
def test_tick__bad_input__says_what_was_wrong_keeps_the_comment_and_changes_nothing(level3, data, field, code):
    point = _point(level3, level3["user"])
    response = _tick(level3["user"], point, **data)
    assert response.status_code == 200
    form = ActionPointStatusForm({"status": "done", "base_version": point.version, **data})
    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()[field]] == [code]
    with translation.override("nb"):
        told = (
            shown("The page is out of date. Reload it.")
            if field == "base_version"
            else escape(f"{form.fields[field].label}: {form.errors[field][0]}")
        )
    assert told in response.text
    if "comment" in data:
        assert f'name="comment" maxlength="1000" value="{escape(data["comment"])}"' in response.text
    point.refresh_from_db()
    assert point.status == "open"


def test_new__without_javascript__bad_input__shows_the_page_with_the_text_typed_and_the_error_at_the_field(level3):
    data = _point_data("", what="Viktig oppgåve", due="2026-02-30")

    response = client_for(level3["user"]).post(_new_url(level3["meeting"]), data)

    assert response.status_code == 200
    # The canvas page opens at the form's errors, far down the page.
    assert re.search(r'<div class="error-summary" role="alert"[^>]*autofocus>', response.text)
    assert 'value="Viktig oppgåve"' in response.text
    assert 'id="id_aksjon-owner_error"' in response.text
    assert 'id="id_aksjon-due_error"' in response.text
    assert not ActionPoint.objects.exists()


def test_tick__without_javascript__goes_back_to_the_page_it_came_from_on_this_site(level3):
    point = _point(level3, level3["user"])
    client = client_for(level3["user"])
    url = reverse("familieteam:action_point_status", args=[point.pk])
    mine = reverse("familieteam:my_action_points")

    back = client.post(url, {"status": "done", "base_version": 1, "next": mine})
    away = client.post(url, {"status": "open", "base_version": 2, "next": "https://example.com/"})

    assert back.url == mine
    assert away.url == reverse("familieteam:meeting", args=[level3["meeting"].pk])


@pytest.mark.parametrize("wanted", ["2026-03-29T02:00", "familieteam:my_action_points", "mine", "//example.com/"])
def test_tick__without_javascript__a_next_that_is_not_a_path_here__goes_to_the_meeting(level3, wanted):
    point = _point(level3, level3["user"])
    url = reverse("familieteam:action_point_status", args=[point.pk])

    response = client_for(level3["user"]).post(url, {"status": "done", "base_version": 1, "next": wanted})

    assert response.status_code == 302
    assert response.url == reverse("familieteam:meeting", args=[level3["meeting"].pk])


@pytest.mark.parametrize("who", ["outsider", "ressursteam_member", "opener", "removed", "other_family"])
def test_tick__someone_outside_the_familieteam__gets_404(level3, other_family, who):
    point = _point(level3, level3["user"])
    if who == "removed":
        workflow.remove_member(actor=level3["los"], member=level3["member"])
    user = {
        "outsider": factories.unit_staff(),
        "ressursteam_member": level3["ressursteam_member"],
        "opener": level3["case"].opened_by,
        "removed": level3["user"],
        "other_family": other_family["case"].familielos,
    }[who]
    assert _tick(user, point).status_code == 404
    point.refresh_from_db()
    assert point.status == "open"


# Mine aksjonspunkt.


def _join(case, user, unit):
    factories.give_consent(case, units=[unit], actor=case.familielos)
    workflow.add_service_member(actor=case.familielos, team=case.familieteam, user=user, unit=unit)


def _families_with_points(user, unit, *, families, points):
    """`points` open action points owned by `user`, spread over `families` level-3 families."""
    cases = []
    for n in range(families):
        case, *_ = factories.case_at(Level.FAMILIELOS, family_name=f"Familien Nr{n}")
        _join(case, user, unit)
        cases.append((case, factories.familieteam_meeting(case)))
    for n in range(points):
        case, meeting = cases[n % families]
        workflow.set_action_point(
            actor=case.familielos,
            meeting=meeting,
            what=f"Punkt {n}",
            owner=workflow.Owner(OwnerKind.STAFF, user_id=user.pk),
            due=timezone.localdate() + timedelta(days=n - 2),
        )
    return cases


@pytest.fixture
def worker():
    unit = factories.ServiceUnitFactory()
    user = factories.unit_staff()
    factories.MembershipFactory(user=user, unit=unit)
    return user, unit


def test_mine__open_points_overdue_first_then_by_date_and_closed_ones_apart(level3):
    user = level3["user"]
    today = timezone.localdate()
    later = _point(level3, user, what="Seinare", due=today + timedelta(days=20))
    overdue = _point(level3, user, what="For seint", due=today - timedelta(days=3))
    soon = _point(level3, user, what="Snart", due=today + timedelta(days=2))
    done = _point(level3, user, what="Gjort")
    workflow.set_action_point_status(actor=user, point=done, status="done", base_version=1)
    old = _point(level3, user, what="Gjort for lenge sidan")
    workflow.set_action_point_status(actor=user, point=old, status="done", base_version=1)
    ActionPoint.objects.filter(pk=old.pk).update(status_at=timezone.now() - timedelta(days=31))
    _point(level3, level3["los"], what="Familielosen sitt")

    response = client_for(user).get(reverse("familieteam:my_action_points"))

    assert response.status_code == 200
    assert [p.pk for p in response.context["open_points"]] == [overdue.pk, soon.pk, later.pk]
    assert [p.pk for p in response.context["closed_points"]] == [done.pk]
    assert response.context["overdue_count"] == 1
    assert "Familielosen sitt" not in response.text
    assert "Gjort for lenge sidan" not in response.text
    assert level3["case"].family.get_absolute_url() in response.text
    assert reverse("familieteam:meeting", args=[level3["meeting"].pk]) in response.text
    assert reverse("familieteam:action_point_status", args=[overdue.pk]) in response.text
    assert AccessEvent.objects.filter(family_id=level3["case"].family_id, object_type="action_points").exists()


def test_mine__a_point_ticked_there__comes_back_in_place_with_focus_and_the_count_line_changes(level3):
    user = level3["user"]
    today = timezone.localdate()
    overdue = _point(level3, user, what="For seint", due=today - timedelta(days=3))
    _point(level3, user, what="Snart", due=today + timedelta(days=2))

    response = _tick(user, overdue, layout="mine")

    assert response.status_code == 200
    assert re.search(
        rf'<li id="action-point-{overdue.pk}" class="action-point" tabindex="-1" autofocus>', response.text
    )
    count_line = re.search(r'<p class="meta" id="open-points-count" hx-swap-oob="true">(.*?)</p>', response.text, re.S)
    assert count_line
    assert "1 åpent aksjonspunkt" in count_line[1]
    assert "over fristen" not in count_line[1]

    last = _tick(user, ActionPoint.objects.get(what="Snart"), layout="mine")
    assert shown("You have no open action points.") in last.text


def test_mine__a_point_ticked_in_another_tab_first__is_refused_and_the_count_line_changes_still(level3):
    user = level3["user"]
    today = timezone.localdate()
    overdue = _point(level3, user, what="For seint", due=today - timedelta(days=3))
    _point(level3, user, what="Snart", due=today + timedelta(days=2))
    _tick(user, overdue, layout="mine")

    stale = _tick(user, overdue, layout="mine", base_version=overdue.version)

    assert shown("Someone else changed this just now. Look at it again and repeat your change.") in stale.text
    count_line = re.search(r'<p class="meta" id="open-points-count" hx-swap-oob="true">(.*?)</p>', stale.text, re.S)
    assert count_line
    assert "1 åpent aksjonspunkt" in count_line[1]


def test_mine__a_family_whose_team_the_user_left__is_not_listed(level3):
    _point(level3, level3["user"], what="Mitt punkt")
    workflow.remove_member(actor=level3["los"], member=level3["member"])

    response = client_for(level3["user"]).get(reverse("familieteam:my_action_points"))

    assert response.context["open_points"] == []
    assert "Mitt punkt" not in response.text


def test_mine__the_agreements_of_a_conversation_i_recorded__are_mine_to_follow_up_and_tick(case, staff):
    """README: "Mine aksjonspunkt" has the level-1 agreements too; the one who recorded the conversation follows them
    up, whoever was named to do the work. A colleague's conversation's agreements are not on my list."""
    _record(staff, _samtale(case, staff), [{"what": "Ringe helsestasjonen", "who": "Mor", "follow_up": None}])
    # A ressursteam member works with the family too, and did not record the conversation.
    team = factories.RessursteamFactory()
    factories.give_consent(case, units=team.units.all(), actor=staff)
    case_workflow.refer_to_ressursteam(actor=staff, case=case, team=team, reason="Treng hjelp frå fleire.")
    colleague = factories.ressursteam_member(team)
    client = client_for(staff)

    response = client.get(reverse("familieteam:my_action_points"))

    [point] = response.context["open_points"]
    assert (point.what, point.owner_name, point.can_tick) == ("Ringe helsestasjonen", "Mor", True)
    assert reverse("cases:samtale_detail", args=[case.family_id, point.samtale_id]) in response.text
    assert access.can(colleague, case.family, access.CHANGE)
    assert client_for(colleague).get(reverse("familieteam:my_action_points")).context["open_points"] == []


def test_mine__a_family_member_or_someone_without_a_role__gets_404(db):
    assert (
        client_for(factories.UserFactory(role=roles.FAMILY_MEMBER))
        .get(reverse("familieteam:my_action_points"))
        .status_code
        == 404
    )
    assert client_for(factories.UserFactory()).get(reverse("familieteam:my_action_points")).status_code == 404


def test_mine__anonymous__goes_to_login(client):
    response = client.get(reverse("familieteam:my_action_points"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_mine__is_in_the_menu_for_staff(worker):
    user, _unit = worker
    response = client_for(user).get(reverse("home"))
    assert reverse("familieteam:my_action_points") in response.text


def test_mine__query_count_is_the_same_for_3_points_in_1_family_and_30_in_10(worker, django_assert_max_num_queries):
    user, unit = worker
    client = client_for(user)
    url = reverse("familieteam:my_action_points")
    _families_with_points(user, unit, families=1, points=3)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(url).context["open_points"]) == 3
    _families_with_points(user, unit, families=10, points=30)

    with django_assert_max_num_queries(len(small)):
        assert len(client.get(url).context["open_points"]) == 33


def test_meeting_page__a_point_started_from_a_cell_has_the_cell_chosen_and_its_text(level3):
    meeting = level3["meeting"]
    cell = workflow.save_cell(
        actor=level3["los"],
        meeting=meeting,
        life_area=LifeArea.objects.first(),
        column=Column.NOW,
        text="Søkje om støttekontakt",
        due=None,
        base_version=0,
    ).cell
    page = client_for(level3["user"]).get(meeting.get_absolute_url(), {"cell": cell.pk})
    html = page.content.decode()
    assert f'href="?cell={cell.pk}#action-point-new-heading"' in html
    assert 'name="aksjon-what" value="Søkje om støttekontakt"' in html
    assert f'<option value="{cell.pk}" selected>' in html


@pytest.mark.parametrize("cell", ["abc", "999999", "²", "1" * 40])
def test_meeting_page__a_cell_that_is_not_on_this_canvas_starts_an_empty_point(level3, cell):
    page = client_for(level3["los"]).get(level3["meeting"].get_absolute_url(), {"cell": cell})
    assert page.status_code == 200
    assert 'name="aksjon-what" maxlength="300" required' in page.content.decode()


def test_new__refused_with_htmx__offers_the_cells_in_the_canvas_order(level3):
    meeting, los = level3["meeting"], level3["los"]
    area = LifeArea.objects.first()
    columns = [Column.HELPERS, Column.DREAM, Column.HARD, Column.WORKS]
    cells = {
        column: workflow.save_cell(
            actor=los, meeting=meeting, life_area=area, column=column, text=f"Tekst {n}", due=None, base_version=0
        ).cell.pk
        for n, column in enumerate(columns)
    }

    response = client_for(los).post(_new_url(meeting), _point_data("", what=""), **HTMX)

    offered = [
        int(pk) for pk in re.findall(r'<option value="(\d+)"', response.content.decode()) if int(pk) in cells.values()
    ]
    assert offered == [cells[Column.WORKS], cells[Column.HARD], cells[Column.DREAM], cells[Column.HELPERS]]


def test_canvas_order__in_sql_and_in_python__is_the_canvas_left_to_right(level3):
    """The export orders its cells in SQL (CANVAS_ORDER), the forms in Python (in_canvas_order): both as the canvas."""
    meeting, los = level3["meeting"], level3["los"]
    area = LifeArea.objects.first()
    for column in (Column.HELPERS, Column.DREAM, Column.HARD, Column.WORKS):
        workflow.save_cell(
            actor=los, meeting=meeting, life_area=area, column=column, text="Tekst", due=None, base_version=0
        )
    cells = meeting.cells.filter(life_area=area).select_related("life_area")

    in_sql = [cell.column for cell in cells.order_by(*canvas.CANVAS_ORDER)]
    in_python = [cell.column for cell in canvas.in_canvas_order(cells)]

    assert in_sql == in_python == [Column.WORKS, Column.HARD, Column.DREAM, Column.HELPERS]
