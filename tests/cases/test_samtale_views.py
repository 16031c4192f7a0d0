"""The clarifying conversation pages and the start page's decision deadlines."""

from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from cases import actions, workflow
from cases.models import ActionStatus, Avklaringssamtale, Level, OwnerKind, SamtaleStatus
from familielos.errors import Refused
from tests import factories


def shown(msgid: str) -> str:
    """A message as a page in the default language (Bokmål) shows it."""
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(msgid)


pytestmark = pytest.mark.django_db


def _book(case, staff, **kwargs):
    return actions.book_avklaringssamtale(
        actor=staff, case=case, starts_at=timezone.now() + timedelta(days=2), place="Skulen", **kwargs
    )


def test_samtale_new__good_input__books_moves_to_level_1_and_redirects(case, staff_client):
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = staff_client.post(
        reverse("cases:samtale_new", args=[case.family_id]), {"date": day, "time": "09:30", "place": "Møterom 2"}
    )
    samtale = Avklaringssamtale.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cases:samtale_detail", args=[case.family_id, samtale.pk])
    assert timezone.localtime(samtale.starts_at).strftime("%H:%M") == "09:30"
    case.refresh_from_db()
    assert case.level == Level.AVKLARING


def test_samtale_new__sent_twice__books_once_and_shows_the_booking(case, staff_client):
    from tests.conftest import post_twice

    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    url = reverse("cases:samtale_new", args=[case.family_id])

    first, again = post_twice(staff_client, url, {"date": day, "time": "09:30", "place": "Møterom 2"})

    samtale = Avklaringssamtale.objects.get()
    assert first.url == reverse("cases:samtale_detail", args=[case.family_id, samtale.pk])
    assert again.redirect_chain == [(first.url, 302)]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date": ""}, "date"),
        ({"date": "2001-01-01"}, "date"),
        ({"date": "9999-12-31"}, "date"),
        ({"time": "25:00"}, "time"),
        ({"place": ""}, "place"),
        ({"participants": "x" * 1001}, "participants"),
    ],
)
def test_samtale_new__bad_input__shows_field_error_and_saves_nothing(case, staff_client, changes, field):
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    data = {"date": day, "time": "09:30", "place": "Møterom 2", **changes}
    response = staff_client.post(reverse("cases:samtale_new", args=[case.family_id]), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Avklaringssamtale.objects.exists()
    case.refresh_from_db()
    assert case.level == Level.UNDRING


def test_samtale_new__case_at_level_2__is_refused_with_a_message(staff, staff_client):
    case, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = staff_client.post(
        reverse("cases:samtale_new", args=[case.family_id]), {"date": day, "time": "09:30", "place": "Skulen"}
    )
    assert response.status_code == 200
    assert response.context["refusal"]
    assert not Avklaringssamtale.objects.exists()


def test_samtale_detail__three_ways(case, staff, staff_client, outsider_client, client):
    samtale = _book(case, staff)
    url = reverse("cases:samtale_detail", args=[case.family_id, samtale.pk])
    assert client.get(url).status_code == 302
    assert outsider_client.get(url).status_code == 404
    assert staff_client.get(url).status_code == 200


def test_samtale_detail__other_familys_samtale_id__is_404(case, staff, staff_client):
    other, *_ = factories.case_at(0, opener=staff, family_name="Familien Annan")
    samtale = _book(other, staff)
    assert staff_client.get(reverse("cases:samtale_detail", args=[case.family_id, samtale.pk])).status_code == 404


def _record_data(samtale, **changes):
    data = {
        "version": samtale.version,
        "participants": "Mor, far, kontaktlærar",
        "concern": "Trekkjer seg frå leik.",
        "guardians_said": "Dei ser det same heime.",
        "duk_works": "Fotball",
        "duk_hard": "",
        "duk_good_at": "Teikne",
        "duk_dreams": "",
        "duk_help": "",
        "duk_agreement": "Ja",
        "avtale-TOTAL_FORMS": "2",
        "avtale-INITIAL_FORMS": "0",
        "avtale-0-what": "Fast vaksen i friminutt",
        "avtale-0-who": "Skulen",
        "avtale-0-follow_up": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "avtale-1-what": "",
        "avtale-1-who": "",
        "avtale-1-follow_up": "",
    }
    return {**data, **changes}


UNREADABLE = "This agreement could not be read from the page. Load the page again and write it once more."
RESET = "The agreements could not be read from the page: here they are as saved. Write your changes again."


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"avtale-TOTAL_FORMS": "1000"}, RESET),
        ({"avtale-TOTAL_FORMS": "²"}, RESET),
        ({"avtale-INITIAL_FORMS": "x"}, RESET),
        ({"avtale-0-point": "abc"}, UNREADABLE),
    ],
)
def test_samtale_detail__record__a_tampered_agreement_list__says_so_and_saves_nothing(
    case, staff, staff_client, changes, message
):
    samtale = actions.book_avklaringssamtale(
        actor=staff, case=case, starts_at=timezone.now() - timedelta(hours=1), place="Skulen"
    )
    url = reverse("cases:samtale_detail", args=[case.family_id, samtale.pk])

    response = staff_client.post(url, _record_data(samtale, **changes))

    assert response.status_code == 200
    assert shown(message) in response.text
    if message == RESET:
        assert 'name="avtale-TOTAL_FORMS" value="2"' in response.text
    samtale.refresh_from_db()
    assert (samtale.version, samtale.action_points.count()) == (1, 0)


def test_samtale_detail__record__saves_samtaleduk_and_agreements(case, staff, staff_client):
    samtale = actions.book_avklaringssamtale(
        actor=staff, case=case, starts_at=timezone.now() - timedelta(hours=1), place="Skulen"
    )
    url = reverse("cases:samtale_detail", args=[case.family_id, samtale.pk])
    response = staff_client.post(url, _record_data(samtale))
    assert response.status_code == 302
    samtale.refresh_from_db()
    assert (samtale.status, samtale.duk_works, samtale.version) == ("held", "Fotball", 2)
    [point] = samtale.action_points.all()
    assert (point.what, point.owner_kind, point.owner_name, point.status, point.family_id) == (
        "Fast vaksen i friminutt",
        OwnerKind.OTHER,
        "Skulen",
        ActionStatus.OPEN,
        case.family_id,
    )
    assert point.due == timezone.localdate() + timedelta(days=30)


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"concern": ""}, "form"),
        ({"avtale-0-who": ""}, "agreements"),
        ({"avtale-1-who": "Mor"}, "agreements"),
        ({"avtale-0-follow_up": "snart"}, "agreements"),
        ({"version": "x"}, "form"),
        ({"duk_hard": "x" * 4001}, "form"),
        ({"participants": "Mor, far, " * 101}, "form"),
    ],
)
def test_samtale_detail__bad_input__shows_errors_and_saves_nothing(case, staff, staff_client, changes, where):
    samtale = _book(case, staff)
    url = reverse("cases:samtale_detail", args=[case.family_id, samtale.pk])
    response = staff_client.post(url, _record_data(samtale, **changes))
    assert response.status_code == 200
    context = response.context
    assert context["form"].errors if where == "form" else any(context["agreements"].errors)
    samtale.refresh_from_db()
    assert (samtale.status, samtale.action_points.count()) == ("planned", 0)


def test_samtale_detail__stale_version__is_refused_and_nothing_is_lost(case, staff, staff_client):
    samtale = _book(case, staff)
    url = reverse("cases:samtale_detail", args=[case.family_id, samtale.pk])
    staff_client.post(url, _record_data(samtale, duk_works="Først"))
    response = staff_client.post(url, _record_data(samtale, duk_works="Seinare"))
    assert response.status_code == 200
    assert response.context["refusal"]
    samtale.refresh_from_db()
    assert samtale.duk_works == "Først"


def test_consent_new__from_a_samtale__returns_to_it(case, staff, staff_client):
    samtale = _book(case, staff)
    guardian = case.family.persons.get(role="guardian")
    response = staff_client.post(
        reverse("cases:consent_new", args=[case.family_id]) + f"?samtale={samtale.pk}",
        {
            "given_by": guardian.pk,
            "decision": "given",
            "units": [factories.ServiceUnitFactory().pk],
            "valid_from": timezone.localdate().isoformat(),
        },
    )
    assert response.url == reverse("cases:samtale_detail", args=[case.family_id, samtale.pk])


def test_home__shows_decisions_due_with_overdue_marked_and_not_others(staff, staff_client):
    due = workflow.note_concern(actor=staff, child=factories.open_case(opener=staff).children.get(), reason="x")
    late = factories.open_case(opener=staff, family_name="Familien Sein")
    late = workflow.note_concern(actor=staff, child=late.children.get(), reason="x")
    late.decision_deadline = timezone.localdate() - timedelta(days=1)
    late.save()
    hidden = factories.open_case(opener=factories.unit_staff(), family_name="Familien Løynd")
    workflow.note_concern(actor=hidden.opened_by, child=hidden.children.get(), reason="x")
    response = staff_client.get(reverse("home"))
    assert [case.family.name for case in response.context["decisions"]] == ["Familien Sein", due.family.name]
    assert 'class="overdue"' in response.text
    assert "Familien Løynd" not in response.text


def test_home__query_count_does_not_grow(staff, staff_client, django_assert_max_num_queries):
    for n in range(30):
        case = factories.open_case(opener=staff, family_name=f"Familien {n}")
        if n % 2:
            workflow.note_concern(actor=staff, child=case.children.get(), reason="x")
        else:
            _book(case, staff)
    with django_assert_max_num_queries(13):
        staff_client.get(reverse("home"))


def test_samtale_detail__notes_before_the_planned_time__are_kept_but_it_is_not_held_yet(case, staff, staff_client):
    samtale = _book(case, staff)
    url = reverse("cases:samtale_detail", args=[case.family_id, samtale.pk])
    assert staff_client.post(url, _record_data(samtale, duk_works="Førebudd")).status_code == 302
    samtale.refresh_from_db()
    assert (samtale.status, samtale.duk_works) == ("planned", "Førebudd")


def test_samtale_detail__after_recording__reads_as_the_record_with_an_edit_action(case, staff, staff_client):
    samtale = actions.book_avklaringssamtale(
        actor=staff, case=case, starts_at=timezone.now() - timedelta(hours=1), place="Skulen"
    )
    url = reverse("cases:samtale_detail", args=[case.family_id, samtale.pk])
    assert 'name="concern"' in staff_client.get(url).text  # not recorded yet: the form
    staff_client.post(url, _record_data(samtale))
    record = staff_client.get(url)
    assert not record.context["editing"]
    assert 'name="concern"' not in record.text
    for shown in ("Trekkjer seg frå leik.", "Fotball", "Fast vaksen i friminutt", "Skulen"):
        assert shown in record.text
    assert 'href="?rediger=1"' in record.text
    edit = staff_client.get(url + "?rediger=1")
    assert edit.context["editing"]
    assert "Trekkjer seg frå leik." in edit.text
    assert 'name="concern"' in edit.text


def test_samtale_detail__edit_with_a_stale_version__is_refused_and_the_form_keeps_what_was_typed(
    case, staff, staff_client
):
    samtale = _book(case, staff)
    url = reverse("cases:samtale_detail", args=[case.family_id, samtale.pk])
    staff_client.post(url, _record_data(samtale, duk_works="Først"))
    response = staff_client.post(url + "?rediger=1", _record_data(samtale, duk_works="Seinare"))
    assert response.context["refusal"]
    assert response.context["editing"]
    assert "Seinare" in response.text
    samtale.refresh_from_db()
    assert samtale.duk_works == "Først"


def test_samtale_detail__read_only_user__sees_the_record_and_no_edit_action(case, staff):
    from cases import access
    from tests.conftest import client_for

    samtale = _book(case, staff)
    staff_client = client_for(staff)
    staff_client.post(reverse("cases:samtale_detail", args=[case.family_id, samtale.pk]), _record_data(samtale))
    reader = factories.unit_staff()
    access.grant_user(reader, case.family, (access.VIEW,))
    response = client_for(reader).get(reverse("cases:samtale_detail", args=[case.family_id, samtale.pk]))
    assert "Fast vaksen i friminutt" in response.text
    assert "rediger=1" not in response.text
    assert 'name="concern"' not in response.text


def test_samtale_detail__the_familys_own_login__is_404(case, staff):
    """The family reads its record on its own pages, never on the staff's."""
    from cases.models import PersonRole
    from familielos import roles
    from tests.conftest import client_for

    samtale = _book(case, staff)
    parent = factories.UserFactory(role=roles.FAMILY_MEMBER)
    guardian = case.family.persons.get(role=PersonRole.GUARDIAN)
    actions.link_family_login(actor=staff, person=guardian, user=parent)
    response = client_for(parent).get(reverse("cases:samtale_detail", args=[case.family_id, samtale.pk]))
    assert response.status_code == 404


def test_samtale_recorded__appears_in_the_case_history_and_its_agreements_on_the_family_page(case, staff, staff_client):
    from cases.models import ChangeKind

    samtale = actions.book_avklaringssamtale(
        actor=staff, case=case, starts_at=timezone.now() - timedelta(hours=1), place="Skulen"
    )
    url = reverse("cases:samtale_detail", args=[case.family_id, samtale.pk])
    staff_client.post(url, _record_data(samtale))
    staff_client.post(url, _record_data(Avklaringssamtale.objects.get(pk=samtale.pk), duk_hard="Matte"))
    recorded = case.level_changes.filter(kind=ChangeKind.RECORDED).order_by("at", "pk")
    assert [change.reason_code for change in recorded] == ["samtale_recorded", "samtale_updated"]
    assert {(change.from_level, change.to_level) for change in recorded} == {(Level.AVKLARING, Level.AVKLARING)}
    page = staff_client.get(case.family.get_absolute_url())
    assert recorded.first().reason_shown in page.text
    assert "Fast vaksen i friminutt" in page.text


def test_samtale_detail__saving_again_without_touching_the_agreements__keeps_them(case, staff, staff_client):
    samtale = _book(case, staff)
    url = reverse("cases:samtale_detail", args=[case.family_id, samtale.pk])
    staff_client.post(url, _record_data(samtale))
    [point] = samtale.action_points.all()
    edit = staff_client.get(url + "?rediger=1")
    agreements = edit.context["agreements"]
    management = agreements.management_form
    data = _record_data(
        Avklaringssamtale.objects.get(pk=samtale.pk),
        duk_hard="Matte",
        **{
            "avtale-TOTAL_FORMS": management["TOTAL_FORMS"].value(),
            "avtale-INITIAL_FORMS": management["INITIAL_FORMS"].value(),
            "avtale-0-point": agreements[0]["point"].value(),
        },
    )
    assert staff_client.post(url, data).status_code == 302
    # The same point, updated in place: not removed and added again, so a tick on it from the family page stands.
    assert [(p.pk, p.what, p.version) for p in Avklaringssamtale.objects.get(pk=samtale.pk).action_points.all()] == [
        (point.pk, "Fast vaksen i friminutt", 1)
    ]


def test_samtale_booked__history_is_in_the_readers_language(case, staff, staff_client):
    _book(case, staff)
    assert case.level_changes.first().reason == ""  # stored as a code, not in the language of the moment
    staff_client.post(reverse("set_language"), {"language": "nn", "next": "/"})
    nynorsk = staff_client.get(case.family.get_absolute_url())
    assert nynorsk["Content-Language"] == "nn"
    assert "Avklaringssamtale er avtalt til" in nynorsk.text


def test_samtale_new__sent_twice__books_one_and_says_so_the_second_time(case, staff_client):
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    data = {"date": day, "time": "09:30", "place": "Møterom 2"}
    url = reverse("cases:samtale_new", args=[case.family_id])

    assert staff_client.post(url, data).status_code == 302
    second = staff_client.post(url, data)

    assert second.status_code == 200
    assert escape(shown("A clarifying conversation is already booked for this case at that time.")) in second.text
    assert Avklaringssamtale.objects.filter(case=case).count() == 1


def test_book_avklaringssamtale__same_time_again__is_refused_and_books_nothing_more(case, staff):
    starts_at = timezone.now() + timedelta(days=3)
    actions.book_avklaringssamtale(actor=staff, case=case, starts_at=starts_at, place="Møterom 2")

    with pytest.raises(Refused):
        actions.book_avklaringssamtale(actor=staff, case=case, starts_at=starts_at, place="Møterom 2")

    assert Avklaringssamtale.objects.filter(case=case).count() == 1
    later = actions.book_avklaringssamtale(
        actor=staff, case=case, starts_at=starts_at + timedelta(days=7), place="Møterom 2"
    )
    assert later.case_id == case.pk


# Moving a booked conversation ------------------------------------------------------------------------------------


def _move_data(days=5, **changes):
    day = (timezone.localdate() + timedelta(days=days)).isoformat()
    return {"date": day, "time": "13:15", "place": "Møterom 3", "participants": "Mor og far", **changes}


def test_samtale_edit__good_input__moves_it_says_so_in_the_history_and_the_letter_follows(case, staff, staff_client):
    from cases.models import ChangeKind

    samtale = _book(case, staff)
    was = samtale.starts_at
    url = reverse("cases:samtale_edit", args=[case.family_id, samtale.pk])
    assert staff_client.get(url).context["form"].initial["place"] == "Skulen"

    response = staff_client.post(url, _move_data())

    assert response.status_code == 302
    assert response.url == reverse("cases:samtale_detail", args=[case.family_id, samtale.pk])
    samtale.refresh_from_db()
    moved_to = timezone.localtime(samtale.starts_at)
    assert (moved_to.date(), moved_to.strftime("%H:%M")) == (timezone.localdate() + timedelta(days=5), "13:15")
    assert (samtale.place, samtale.participants, samtale.status) == ("Møterom 3", "Mor og far", "planned")
    [change] = case.level_changes.filter(reason_code="samtale_moved")
    assert change.kind == ChangeKind.BOOKED
    with translation.override("en"):
        shown_in_english = change.reason_shown
    assert shown_in_english == (
        f"The clarifying conversation booked for {timezone.localtime(was):%d.%m.%Y %H:%M} is moved to "
        f"{moved_to:%d.%m.%Y} 13:15, Møterom 3."
    )
    detail = staff_client.get(response.url)
    assert f"{moved_to:%d.%m.%Y} 13:15" in detail.text
    assert "Møterom 3" in detail.text


def test_samtale_edit__sent_twice__moves_it_once(case, staff, staff_client):
    samtale = _book(case, staff)
    url = reverse("cases:samtale_edit", args=[case.family_id, samtale.pk])
    staff_client.post(url, _move_data())
    staff_client.post(url, _move_data())
    assert case.level_changes.filter(reason_code="samtale_moved").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date": ""}, "date"),
        ({"date": "2001-01-01"}, "date"),
        ({"date": "31.02.2027"}, "date"),
        ({"time": "25:00"}, "time"),
        ({"place": ""}, "place"),
        ({"place": "\u200b\u200f"}, "place"),
        ({"place": "x" * 201}, "place"),
    ],
)
def test_samtale_edit__bad_input__shows_the_error_keeps_the_input_and_moves_nothing(
    case, staff, staff_client, changes, field
):
    samtale = _book(case, staff)
    response = staff_client.post(
        reverse("cases:samtale_edit", args=[case.family_id, samtale.pk]), _move_data(**changes)
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert "Mor og far" in response.text
    assert Avklaringssamtale.objects.get(pk=samtale.pk).starts_at == samtale.starts_at
    assert not case.level_changes.filter(reason_code="samtale_moved").exists()


def test_samtale_edit__onto_another_booking_of_the_case__is_refused(case, staff, staff_client):
    samtale = _book(case, staff)
    other = _book(case, staff, participants="")
    other.starts_at = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=5), time(13, 15)))
    other.save()
    response = staff_client.post(reverse("cases:samtale_edit", args=[case.family_id, samtale.pk]), _move_data())
    assert response.context["refusal"] == shown(
        "A clarifying conversation is already booked for this case at that time."
    )
    assert Avklaringssamtale.objects.get(pk=samtale.pk).starts_at == samtale.starts_at


def test_samtale_edit__a_recorded_conversation__keeps_its_time_and_is_not_offered(case, staff, staff_client):
    samtale = actions.book_avklaringssamtale(
        actor=staff, case=case, starts_at=timezone.now() - timedelta(hours=1), place="Skulen"
    )
    staff_client.post(reverse("cases:samtale_detail", args=[case.family_id, samtale.pk]), _record_data(samtale))
    url = reverse("cases:samtale_edit", args=[case.family_id, samtale.pk])

    detail = staff_client.get(reverse("cases:samtale_detail", args=[case.family_id, samtale.pk]))
    page = staff_client.get(url)
    posted = staff_client.post(url, _move_data())

    assert url not in detail.text
    assert (page.status_code, posted.status_code) == (403, 403)
    assert shown("The conversation has been held, so its time and place stay as they were.") in posted.text
    assert Avklaringssamtale.objects.get(pk=samtale.pk).starts_at == samtale.starts_at
    with pytest.raises(Refused):
        actions.move_avklaringssamtale(
            actor=staff, samtale=samtale, starts_at=timezone.now() + timedelta(days=3), place="Annan stad"
        )


def test_samtale_edit__offered_on_the_conversation_page_to_who_may_move_it(case, staff, staff_client):
    samtale = _book(case, staff)
    reader = factories.unit_staff()
    from cases import access
    from tests.conftest import client_for

    access.grant_user(reader, case.family, (access.VIEW,))
    url = reverse("cases:samtale_edit", args=[case.family_id, samtale.pk])
    detail = reverse("cases:samtale_detail", args=[case.family_id, samtale.pk])
    assert url in staff_client.get(detail).text
    reader_client = client_for(reader)
    assert url not in reader_client.get(detail).text
    assert reader_client.post(url, _move_data()).status_code == 403
    assert Avklaringssamtale.objects.get(pk=samtale.pk).starts_at == samtale.starts_at


def test_samtale_edit__three_ways_and_another_familys_conversation(case, staff, staff_client, outsider_client, client):
    samtale = _book(case, staff)
    url = reverse("cases:samtale_edit", args=[case.family_id, samtale.pk])
    assert client.get(url).status_code == 302
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, _move_data()).status_code == 404
    other, *_ = factories.case_at(0, opener=staff, family_name="Familien Annan")
    theirs = _book(other, staff)
    assert (
        staff_client.post(reverse("cases:samtale_edit", args=[case.family_id, theirs.pk]), _move_data()).status_code
        == 404
    )
    assert Avklaringssamtale.objects.get(pk=theirs.pk).starts_at == theirs.starts_at


def test_samtale_new__a_second_booking_at_level_1__is_in_the_case_history(case, staff):
    from cases.models import ChangeKind

    _book(case, staff)
    _book(case, staff, participants="Mor")
    booked = case.level_changes.filter(reason_code="samtale_booked").order_by("at", "pk")
    assert [change.kind for change in booked] == [ChangeKind.UP, ChangeKind.BOOKED]


def test_samtale_record__notes_written_before_the_conversation__it_stays_planned_and_can_still_be_moved(
    case, staff, staff_client
):
    samtale = _book(case, staff)
    detail_url = reverse("cases:samtale_detail", args=[case.family_id, samtale.pk])

    saved = staff_client.post(detail_url, _record_data(samtale), follow=True)

    assert (
        shown(
            "The notes are saved. The conversation is still planned: it counts as held once it has begun, and it can "
            "still be moved."
        )
        in saved.text
    )
    samtale.refresh_from_db()
    assert samtale.status == SamtaleStatus.PLANNED
    edit_url = reverse("cases:samtale_edit", args=[case.family_id, samtale.pk])
    assert edit_url in staff_client.get(detail_url).text
    assert staff_client.post(edit_url, _move_data()).status_code == 302
    samtale.refresh_from_db()
    assert timezone.localtime(samtale.starts_at).time() == time(13, 15)
    # Preparation, not a record: the case's history tells of the conversation once it is held.
    assert not case.level_changes.filter(reason_code="samtale_recorded").exists()


def test_samtale_edit__notes_written_and_its_time_come__is_held_and_stays(case, staff, staff_client):
    samtale = _book(case, staff)
    staff_client.post(reverse("cases:samtale_detail", args=[case.family_id, samtale.pk]), _record_data(samtale))
    Avklaringssamtale.objects.filter(pk=samtale.pk).update(starts_at=timezone.now() - timedelta(minutes=5))

    posted = staff_client.post(reverse("cases:samtale_edit", args=[case.family_id, samtale.pk]), _move_data())

    assert posted.status_code == 403
    assert shown("The conversation has been held, so its time and place stay as they were.") in posted.text
