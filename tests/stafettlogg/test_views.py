import json
import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import workflow as case_workflow
from familielos import once
from familielos.models import AccessAction, AccessEvent
from familieteam.models import LifeArea
from stafettlogg import workflow
from stafettlogg.models import Entry, Kind, Outcome, Visibility
from tests import factories
from tests.conftest import SENT_TWICE, client_for, form_token, shown

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def log_url(family, **query):
    url = reverse("stafettlogg:log", args=[family.pk])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def correct_url(family):
    return reverse("stafettlogg:correct", args=[family.pk])


def post_url(family):
    return reverse("stafettlogg:post", args=[family.pk])


def poll_url(family, after):
    return reverse("stafettlogg:poll", args=[family.pk]) + f"?etter={after}"


def note(actor, family, text="Emma har hatt ei god veke.", visibility=Visibility.TEAM, kind=Kind.NOTE):
    return workflow.post_entry(actor=actor, family=family, kind=kind, visibility=visibility, text=text)


def measure(actor, family, text="Lesetrening tre dagar i veka."):
    return workflow.post_measure(
        actor=actor,
        family=family,
        visibility=Visibility.TEAM,
        text=text,
        responsible="Kontaktlærar",
        starts_on=date(2026, 12, 1),
        evaluate_by=date(2027, 1, 15),
        life_area=LifeArea.objects.get(position=1),
    )


def days_from_today(days: int) -> str:
    """A form's date, `days` from today: the forms take dates within a year back and two years ahead."""
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def posted(family):
    return Entry.objects.filter(family=family).exclude(kind=Kind.SYSTEM)


@pytest.fixture
def client(writer):
    return client_for(writer)


# Who may reach each view


def every_request(family, entry):
    return [
        ("get", log_url(family), {}),
        ("post", post_url(family), {"kind": "note", "note-text": "Hei", "note-visibility": "team"}),
        ("get", poll_url(family, 0), {}),
        ("post", correct_url(family), {"entry": entry.pk, f"rett-{entry.pk}-text": "Retta"}),
    ]


def test_every_view__anonymous__goes_to_the_login(writer, family):
    entry = note(writer, family)
    for method, url, data in every_request(family, entry):
        response = getattr(Client(), method)(url, data)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert posted(family).count() == 1


@pytest.mark.parametrize("who", ["outsider", "family_login", "opener_of_another_family"])
def test_every_view__staff_without_the_grant_or_the_familys_own_login__is_404(writer, family, request, who):
    entry = note(writer, family)
    if who == "opener_of_another_family":
        user = factories.open_case(family_name="Familien Berg").opened_by
    else:
        user = request.getfixturevalue(who)
    client = client_for(user)
    for method, url, data in every_request(family, entry):
        assert getattr(client, method)(url, data).status_code == 404
    assert posted(family).count() == 1
    assert not Entry.objects.filter(corrects=entry).exists()


def test_log__another_familys_id__is_404(client, writer):
    stranger = factories.open_case(family_name="Familien Berg").family
    assert client.get(log_url(stranger)).status_code == 404


# The page


def test_log__shows_entries_newest_first_with_author_role_service_and_time(client, writer, family):
    note(writer, family, text="Fyrste notat.")
    note(writer, family, text="Andre notat.", kind=Kind.LYSGLIMT, visibility=Visibility.TEAM_AND_FAMILY)
    response = client.get(log_url(family))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("Andre notat.") < page.index("Fyrste notat.")
    assert f"{writer.get_full_name()}, " in page
    assert "Nordvik skule" in page
    assert timezone.localtime().strftime("%d.%m.%Y") in page
    assert AccessEvent.objects.filter(family_id=family.pk, action=AccessAction.VIEW, path=log_url(family)).exists()


def test_log__the_message_form__says_the_family_reads_only_what_is_sent_to_them(client, writer, family):
    page = client.get(log_url(family)).content.decode()
    hint = shown("The family reads only what is sent to the team and the family.")
    assert f'<p class="help" id="id_message-visibility_helptext">{hint}</p>' in page


def test_log__filters_by_kind_author_and_life_area(client, writer, family):
    colleague = factories.unit_staff()
    from cases import access

    access.grant_user(colleague, family)
    note(writer, family, text="Notat frå læraren.")
    note(colleague, family, text="Notat frå kollegaen.")
    tiltak = measure(writer, family, text="Tiltak for skulen.")
    workflow.evaluate_measure(
        actor=writer, family=family, measure=tiltak, outcome=Outcome.WELL, visibility="team", text="Vurdert godt."
    )
    by_kind = client.get(log_url(family, kind="measure")).content.decode()
    assert "Tiltak for skulen." in by_kind
    assert "Notat frå læraren." not in by_kind
    by_author = client.get(log_url(family, author=colleague.pk)).content.decode()
    assert "Notat frå kollegaen." in by_author
    assert "Notat frå læraren." not in by_author
    area = LifeArea.objects.get(position=1)
    by_area = client.get(log_url(family, life_area=area.pk)).content.decode()
    assert "Vurdert godt." in by_area
    assert "Notat frå kollegaen." not in by_area
    nonsense = client.get(log_url(family, kind="gossip", author="x"))
    assert nonsense.status_code == 200
    assert "Notat frå kollegaen." in nonsense.content.decode()


def test_log__pages_by_25_with_older_and_newer_links(client, writer, family):
    for number in range(30):
        note(writer, family, text=f"Notat nr. {number:02d}")
    first = client.get(log_url(family)).context
    assert len(first["page"].events) == 25
    assert first["newest_pk"] is not None
    older = client.get(log_url(family, eldre=first["page"].older)).context
    assert [entry.text for entry in older["page"].events][:4] == [f"Notat nr. {n:02d}" for n in (4, 3, 2, 1)]
    # Only the newest page listens for new entries.
    assert older["newest_pk"] is None


@pytest.mark.parametrize(
    ("language", "kind_shown", "reason"),
    [
        ("nb", "Flyttet opp", "Avklaringssamtale er avtalt til 03.12.2026 09:30."),
        ("nn", "Flytta opp", "Avklaringssamtale er avtalt til 03.12.2026 09:30."),
    ],
)
def test_log__level_change_entries__worded_in_the_readers_language(writer, case, language, kind_shown, reason):
    when = timezone.make_aware(timezone.datetime(2026, 12, 3, 9, 30))
    case_workflow.move_to_avklaring(
        actor=writer, case=case, reason_code="samtale_booked", reason_params={"when": when.isoformat()}
    )
    client = client_for(writer)
    client.cookies["django_language"] = language
    page = client.get(log_url(case.family)).content.decode()
    assert kind_shown in page
    assert reason in page


@pytest.mark.parametrize("rows", [5, 50])
def test_log__query_count__is_flat_as_the_log_grows(client, writer, family, rows, django_assert_max_num_queries):
    tiltak = measure(writer, family)
    for number in range(rows):
        note(writer, family, text=f"Notat {number}")
    workflow.correct_entry(actor=writer, entry=tiltak, text="Retta tiltak.")
    workflow.evaluate_measure(
        actor=writer, family=family, measure=tiltak, outcome="partly", visibility="team", text="Delvis."
    )
    with django_assert_max_num_queries(13):
        response = client.get(log_url(family))
    assert response.status_code == 200


# Writing


def test_post__note_by_htmx__is_written_audited_and_the_page_polls_at_once(client, family):
    data = {"kind": "note", "note-text": "Mor fortel at det går betre.", "note-visibility": "team_and_family"}
    response = client.post(post_url(family), data, **HTMX)
    assert response.status_code == 200
    assert json.loads(response.headers["HX-Trigger"]) == {"log-changed": {}}
    entry = posted(family).get()
    assert (entry.kind, entry.text, entry.visibility) == (Kind.NOTE, data["note-text"], Visibility.TEAM_AND_FAMILY)
    assert AccessEvent.objects.filter(family_id=family.pk, action=AccessAction.CHANGE, object_id=str(entry.pk)).exists()
    assert 'id="log-post-note"' in response.content.decode()
    # The form is new: focus goes to what was saved, not to the page body.
    assert re.search(r'<p class="notice" role="status" tabindex="-1" autofocus>', response.content.decode())


def test_post__without_javascript__redirects_to_the_log(client, family):
    data = {"kind": "lysglimt", "lysglimt-text": "Emma song i kor!", "lysglimt-visibility": "team"}
    response = client.post(post_url(family), data)
    assert response.status_code == 302
    assert response.url == log_url(family)
    assert posted(family).get().kind == Kind.LYSGLIMT


def test_post__sent_twice_without_javascript__is_in_the_log_once_and_says_so(client, family):
    token = form_token(client.get(log_url(family)).text)
    data = {"kind": "lysglimt", "lysglimt-text": "Emma song i kor!", "lysglimt-visibility": "team"}
    data[once.TOKEN_NAME] = token

    first = client.post(post_url(family), data)
    again = client.post(post_url(family), data, follow=True)

    entry = posted(family).get()
    assert first.url == log_url(family)
    assert again.redirect_chain == [(f"{log_url(family)}#entry-{entry.pk}", 302)]
    assert shown(SENT_TWICE) in again.text


def test_post__sent_twice_by_htmx__is_written_once_and_htmx_opens_the_entry(client, family):
    data = {"kind": "note", "note-text": "Mor fortel at det går betre.", "note-visibility": "team"}
    sent = {**data, once.TOKEN_NAME: once.new_token()}

    first = client.post(post_url(family), sent, **HTMX)
    again = client.post(post_url(family), sent, **HTMX)

    entry = posted(family).get()
    assert (first.status_code, again.status_code) == (200, 200)
    assert again["HX-Redirect"] == f"{log_url(family)}#entry-{entry.pk}"
    assert shown(SENT_TWICE) in client.get(log_url(family)).text
    # The form comes back new, with a token of its own: the next entry, in the same words or not, is written.
    client.post(post_url(family), {**data, once.TOKEN_NAME: form_token(first.text)}, **HTMX)
    assert posted(family).count() == 2


@pytest.mark.parametrize("kind", ["note", "message", "lysglimt"])
def test_post__text_entry_without_text__shows_the_error_and_writes_nothing(client, family, kind):
    response = client.post(post_url(family), {"kind": kind, f"{kind}-text": "", f"{kind}-visibility": "team"}, **HTMX)
    assert response.status_code == 200
    # The summary takes focus as htmx swaps it in: the keyboard stays at the form, not back at the page's start.
    assert re.search(r'<div class="error-summary" role="alert"[^>]*autofocus>', response.content.decode())
    assert not posted(family).exists()


def test_post__message_to_nobody__shows_the_error_and_keeps_the_text(client, family):
    data = {"kind": "message", "message-text": "Møte flytta til torsdag.", "message-visibility": "everyone"}
    response = client.post(post_url(family), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in page
    assert "Møte flytta til torsdag." in page
    assert not posted(family).exists()


def test_post__measure_evaluated_before_it_starts__shows_the_error_and_writes_nothing(client, family):
    data = {
        "kind": "measure",
        "measure-text": "Leksehjelp på SFO.",
        "measure-responsible": "SFO-leiar",
        "measure-starts_on": days_from_today(8),
        "measure-evaluate_by": days_from_today(-1),
        "measure-visibility": "team",
    }
    response = client.post(post_url(family), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in page
    assert 'href="#id_measure-evaluate_by"' in page
    assert "Leksehjelp på SFO." in page
    assert not posted(family).exists()


def test_post__measure__is_written_with_its_fields(client, family):
    area = LifeArea.objects.get(position=2)
    data = {
        "kind": "measure",
        "measure-text": "Leksehjelp på SFO.",
        "measure-life_area": area.pk,
        "measure-responsible": "SFO-leiar",
        "measure-starts_on": days_from_today(0),
        "measure-evaluate_by": days_from_today(60),
        "measure-visibility": "team",
    }
    assert client.post(post_url(family), data).status_code == 302
    entry = posted(family).get()
    evaluate_by = timezone.localdate() + timedelta(days=60)
    assert (entry.life_area, entry.responsible, entry.evaluate_by) == (area, "SFO-leiar", evaluate_by)


def test_post__evaluation_of_another_familys_measure__is_an_error_and_writes_nothing(client, writer, family):
    other = factories.open_case(opener=writer, family_name="Familien Berg").family
    foreign = measure(writer, other)
    data = {
        "kind": "evaluation",
        "evaluation-measure": foreign.pk,
        "evaluation-outcome": "well",
        "evaluation-text": "Gjekk fint.",
        "evaluation-visibility": "team",
    }
    response = client.post(post_url(family), data, **HTMX)
    assert response.status_code == 200
    assert shown("Choose one of this family's measures.") in response.content.decode()
    assert not Entry.objects.filter(kind=Kind.EVALUATION).exists()


def test_post__evaluation__points_at_the_measure(client, writer, family):
    tiltak = measure(writer, family)
    data = {
        "kind": "evaluation",
        "evaluation-measure": tiltak.pk,
        "evaluation-outcome": "not",
        "evaluation-text": "Hjelpte ikkje.",
        "evaluation-next_steps": "Prøv PPT.",
        "evaluation-visibility": "team",
    }
    assert client.post(post_url(family), data).status_code == 302
    evaluation = tiltak.evaluations.get()
    assert (evaluation.outcome, evaluation.next_steps) == (Outcome.NOT, "Prøv PPT.")


def test_post__system_or_unknown_kind__says_the_page_is_out_of_date(client, family):
    for kind in ("system", "", "gossip", "1 OR 1=1"):
        response = client.post(post_url(family), {"kind": kind, "system-text": "Hei"})
        assert response.status_code == 400
        assert "Siden er utdatert. Last den inn på nytt." in response.text
        assert 'class="site-header"' in response.text  # our page, in the layout
    assert not posted(family).exists()


# Corrections


def test_correct__by_htmx__marks_the_original_corrected_and_keeps_it(client, writer, family):
    original = note(writer, family, text="Møtet er 3. desember.")
    response = client.post(
        correct_url(family), {"entry": original.pk, f"rett-{original.pk}-text": "Møtet er 4. desember."}, **HTMX
    )
    assert response.status_code == 200
    assert json.loads(response.headers["HX-Trigger"]) == {"log-changed": {}}
    assert "is-corrected" in response.content.decode()
    assert re.search(rf'<li id="entry-{original.pk}" tabindex="-1" autofocus', response.content.decode())
    correction = Entry.objects.get(corrects=original)
    assert correction.text == "Møtet er 4. desember."
    page = client.get(log_url(family)).content.decode()
    assert "Møtet er 3. desember." in page
    assert "Møtet er 4. desember." in page
    assert f'href="#entry-{correction.pk}"' in page
    assert f'href="#entry-{original.pk}"' in page


def test_correct__empty_text__shows_the_error_and_writes_nothing(client, writer, family):
    original = note(writer, family)
    response = client.post(correct_url(family), {"entry": original.pk, f"rett-{original.pk}-text": " "})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not Entry.objects.filter(corrects=original).exists()


def test_correct__the_same_text_as_the_entry__is_refused_readably_and_writes_nothing(client, writer, family):
    original = note(writer, family)
    data = {"entry": original.pk, f"rett-{original.pk}-text": f"  {original.text} "}
    response = client.post(correct_url(family), data, **HTMX)
    assert response.status_code == 200
    message = "The correction is the same as the entry. Change the text, or leave the entry as it is."
    assert shown(message) in response.text
    assert not Entry.objects.filter(corrects=original).exists()


def test_correct__someone_elses_entry__is_refused_readably(client, writer, family):
    from cases import access

    colleague = factories.unit_staff()
    access.grant_user(colleague, family)
    theirs = note(colleague, family)
    response = client.post(correct_url(family), {"entry": theirs.pk, f"rett-{theirs.pk}-text": "Mi utgåve."}, **HTMX)
    assert response.status_code == 200
    assert shown("Only the person who wrote an entry can correct it.") in response.content.decode()
    assert not Entry.objects.filter(corrects=theirs).exists()


def test_correct__another_familys_entry_through_this_family__is_404(client, writer, family):
    other = factories.open_case(opener=writer, family_name="Familien Berg").family
    foreign = note(writer, other)
    assert client.post(correct_url(family), {"entry": foreign.pk, f"rett-{foreign.pk}-text": "x"}).status_code == 404


# The poll


def test_poll__returns_only_entries_newer_than_the_newest_shown(client, writer, family):
    seen = note(writer, family, text="Allereie på sida.")
    assert client.get(poll_url(family, seen.pk)).status_code == 204
    before = AccessEvent.objects.count()
    note(writer, family, text="Nytt notat.")
    response = client.get(poll_url(family, seen.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nytt notat." in page
    assert "Allereie på sida." not in page
    assert 'hx-swap-oob="afterbegin:#log-entries"' in page
    assert 'id="log-empty"' not in page
    assert AccessEvent.objects.count() == before + 1


def test_poll__from_an_empty_log__takes_away_the_empty_note(client, writer, family):
    note(writer, family, text="Det fyrste i loggen.")

    page = client.get(poll_url(family, 0)).content.decode()

    assert "Det fyrste i loggen." in page
    assert '<li id="log-empty" hx-swap-oob="delete"></li>' in page


def test_poll__keeps_the_filters_and_moves_its_cursor(client, writer, family):
    seen = note(writer, family)
    note(writer, family, text="Ikkje eit tiltak.")
    tiltak = measure(writer, family, text="Nytt tiltak.")
    response = client.get(poll_url(family, seen.pk) + "&kind=measure")
    page = response.content.decode()
    assert "Nytt tiltak." in page
    assert "Ikkje eit tiltak." not in page
    assert f"etter={tiltak.pk}" in page
    assert "kind=measure" in page


def test_poll__a_correction__marks_the_original_on_the_page(client, writer, family):
    original = note(writer, family, text="Feil dato.")
    workflow.correct_entry(actor=writer, entry=original, text="Rett dato.")
    page = client.get(poll_url(family, original.pk)).content.decode()
    assert f'id="entry-{original.pk}" hx-swap-oob="true"' in page


def test_poll__a_cursor_that_is_not_an_id__is_a_bad_request(client, family):
    assert client.get(reverse("stafettlogg:poll", args=[family.pk]) + "?etter=abc").status_code == 400


def test_correct__no_entry_named__is_a_bad_request(client, family):
    assert client.post(correct_url(family), {"entry": "x"}).status_code == 400


def test_poll__is_not_the_persons_activity(client, writer, family):
    client.get(log_url(family))
    refreshed = client.session.get("_refreshed_at")
    session = client.session
    session["_refreshed_at"] = 0
    session.save()
    client.get(poll_url(family, 0))
    assert client.session.get("_refreshed_at") == 0
    assert refreshed is not None


# Ids as a hostile or stale page sends them: digits that are not ASCII ("²" passes str.isdigit() but not int()).
NOT_AN_ID = ["²", "١٢", "1" * 40, "-1", " 1"]


@pytest.mark.parametrize("value", NOT_AN_ID)
def test_correct__entry_that_is_not_an_id__is_a_clear_400(client, writer, family, value):
    response = client.post(correct_url(family), {"entry": value, f"rett-{value}-text": "Ny tekst."}, **HTMX)
    assert response.status_code == 400


@pytest.mark.parametrize("value", NOT_AN_ID)
def test_poll__cursor_that_is_not_an_id__is_a_clear_400(client, writer, family, value):
    assert client.get(reverse("stafettlogg:poll", args=[family.pk]), {"etter": value}).status_code == 400


@pytest.mark.parametrize("value", NOT_AN_ID)
def test_log__filter_that_is_not_an_id__is_ignored(client, writer, family, value):
    note(writer, family)
    response = client.get(reverse("stafettlogg:log", args=[family.pk]), {"author": value, "life_area": value})
    assert response.status_code == 200
    assert "Emma har hatt ei god veke." in response.text
