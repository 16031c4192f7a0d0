"""The guardians' public self-assessment: no login, no tracking, nothing stored unless the guardian sends it.

Answers travel in the form itself from page to page (hidden fields), never in a session or the database, so the
pages set no session cookie. Result computations and sends are rate-limited per client address through the
shared cache, so the limit holds across every app server.
"""

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from familielos import once, ratelimit
from familielos.audit import client_ip
from familielos.models import ServiceKind, ServiceUnit
from screening import workflow
from screening.models import AgeGroup, Audience
from screening.public_forms import AgeGroupForm, AnswersForm, SendForm

# Where to get help, in this order, on the result page.
HELP_KINDS = (
    ServiceKind.HELSESTASJON,
    ServiceKind.PPT,
    ServiceKind.PSYKISK_HELSE,
    ServiceKind.FAMILIELOS,
    ServiceKind.BARNEVERN,
)


@require_GET
def start(request):
    """What this is, that nothing is stored, and the child's age group."""
    bound = "age_group" in request.GET or "age" in request.GET
    form = AgeGroupForm(request.GET if bound else None)
    if form.is_valid():
        return redirect("selfassessment:instrument", age_group=form.cleaned_data["group"])
    return render(request, "screening/public/start.html", {"form": form, **_municipality()})


@require_http_methods(["GET", "POST"])
def instrument(request, age_group):
    """The plain-language questions for the age group. A POST comes back from the result page to change answers."""
    if age_group not in AgeGroup.values:
        raise Http404
    current = workflow.current_instrument(age_group, Audience.GUARDIAN)
    if current is None:
        raise Http404
    ticked = set()
    if request.method == "POST":
        answers = AnswersForm(request.POST, auto_id=False)
        if answers.is_valid() and answers.cleaned_data["instrument"] == current:
            ticked = {factor.pk for factor in answers.cleaned_data["factors"]}
    groups = [group for group in current.groups.prefetch_related("factors") if group.factors.all()]
    context = {"instrument": current, "groups": groups, "ticked": ticked, **_municipality()}
    return render(request, "screening/public/instrument.html", context)


@never_cache
@require_POST
def result(request):
    """Advice from the ticked factors. Computed from the posted answers and stored nowhere."""
    if limited := _over_limit(request, "result", settings.SELF_ASSESSMENT_RESULTS_PER_HOUR):
        return limited
    answers = AnswersForm(request.POST, auto_id=False)
    if not answers.is_valid():
        return _out_of_date(request)
    context = {**_result_context(answers), "send_form": _send_form(answers)}
    return render(request, "screening/public/result.html", context)


@never_cache
@require_POST
def send(request):
    """The guardian chooses to send their answers and contact details to the kindergarten or school."""
    if limited := _over_limit(request, "send", settings.SELF_ASSESSMENT_SENDS_PER_HOUR):
        return limited
    answers = AnswersForm(request.POST, auto_id=False)
    if not answers.is_valid():
        return _out_of_date(request)
    form = _send_form(answers, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with once.claim(request) as claimed:
                workflow.send_self_assessment(
                    instrument=answers.cleaned_data["instrument"],
                    unit=data["unit"],
                    factor_ids=[factor.pk for factor in answers.cleaned_data["factors"]],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    contact_email=data["contact_email"],
                    message=data["message"],
                )
                claimed.shown_at(reverse("selfassessment:sent"))
        except once.SentAlready:
            pass  # Sent twice (a double click): they got it once, as the page says. No message: no session here.
        except workflow.ScreeningRefused:
            return _out_of_date(request)
        return redirect("selfassessment:sent")
    return render(request, "screening/public/result.html", {**_result_context(answers), "send_form": form})


@never_cache
@require_GET
def sent(request):
    return render(request, "screening/public/sent.html", _municipality())


def _send_form(answers: AnswersForm, data=None) -> SendForm:
    return SendForm(data, age_group=answers.cleaned_data["instrument"].age_group)


def _result_context(answers: AnswersForm) -> dict:
    instrument = answers.cleaned_data["instrument"]
    factors = list(answers.cleaned_data["factors"])
    units = ServiceUnit.objects.filter(kind__in=HELP_KINDS).order_by("name")
    by_kind = {kind: [unit for unit in units if unit.kind == kind] for kind in HELP_KINDS}
    return {
        "instrument": instrument,
        "answers": answers,
        "result": workflow.result_of(instrument, factors),
        "help_services": [(kind, ServiceKind(kind).label, by_kind[kind]) for kind in HELP_KINDS if by_kind[kind]],
        "barnevern_units": by_kind[ServiceKind.BARNEVERN],
        **_municipality(),
    }


def _municipality() -> dict:
    return {"municipality": settings.MUNICIPALITY_NAME}


def _out_of_date(request):
    """A tampered or stale form: say so plainly, store nothing."""
    return render(request, "screening/public/out_of_date.html", _municipality(), status=400)


def _over_limit(request, bucket: str, limit: int):
    """Count this request against the client address's allowance for the hour; a friendly 429 once it is spent.

    At most SELF_ASSESSMENT_SENDS_PER_HOUR sends and SELF_ASSESSMENT_RESULTS_PER_HOUR result computations per client
    address an hour; the defaults leave room for a household or a mobile network's shared address.
    """
    if ratelimit.spend(f"selfassessment.{bucket}", client_ip(request) or "unknown", limit):
        return None
    response = render(request, "screening/public/rate_limited.html", _municipality(), status=429)
    response["Retry-After"] = str(ratelimit.seconds_left())
    return response
