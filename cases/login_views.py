"""The staff side of the family's own logins: giving a guardian or a young person a login to the family's pages,
taking it away, and the parental responsibility a guardian's login depends on.

The family page shows one row per family member who has, or could have, a login; each form posts here and comes
back to the family page, or, when it fails, to a page with that one row and its error.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import access, actions, notices, selectors
from cases.forms import ParentalResponsibilityForm, PortalLoginForm
from cases.models import Person
from familielos import audit
from familielos.errors import Refused
from familielos.models import AccessAction


@login_required
@require_POST
def give_login(request, family_pk, person_pk):
    family, person = _family_and_person(request, family_pk, person_pk)
    form = PortalLoginForm(request.POST, person=person)
    if form.is_valid():
        try:
            actions.give_portal_login(actor=request.user, person=person, email=form.cleaned_data["email"])
        except Refused as refused:
            form.add_error("email" if isinstance(refused, actions.UnusableEmail) else None, str(refused))
        else:
            audit.record(request, action=AccessAction.CHANGE, family_id=family.pk, obj=person)
            messages.success(
                request,
                _("%(name)s has a login to the family's pages now (%(email)s).")
                % {"name": person, "email": form.cleaned_data["email"]},
            )
            return _back(family)
    return _failed(request, family, person, give_form=form)


@login_required
@require_POST
def remove_login(request, family_pk, person_pk):
    family, person = _family_and_person(request, family_pk, person_pk)
    try:
        actions.remove_portal_login(actor=request.user, person=person)
    except Refused as refused:
        return _failed(request, family, person, refusal=str(refused))
    audit.record(request, action=AccessAction.CHANGE, family_id=family.pk, obj=person)
    messages.success(request, _("%(name)s's login is removed.") % {"name": person})
    return _back(family)


@login_required
@require_POST
def parental_responsibility(request, family_pk, person_pk):
    family, person = _family_and_person(request, family_pk, person_pk)
    form = ParentalResponsibilityForm(request.POST, person=person)
    if form.is_valid():
        has = form.cleaned_data["has"]
        case = selectors.current_case(family)
        try:
            actions.set_parental_responsibility(
                actor=request.user, person=person, has=has, reason=form.cleaned_data["reason"]
            )
        except Refused as refused:
            form.add_error(None, str(refused))
        else:
            audit.record(request, action=AccessAction.CHANGE, family_id=family.pk, obj=person)
            if has:
                done = _("%(name)s has parental responsibility again.")
            else:
                done = _("%(name)s no longer has parental responsibility.")
            messages.success(request, done % {"name": person})
            notices.tell_if_stepped_down(request, case)
            return notices.back_to(request, family, _logins_url(family))
    return _failed(request, family, person, responsibility_form=form)


def _family_and_person(request, family_pk, person_pk) -> tuple:
    """The family if the user may change it, and one of its own people: another family's person is a 404."""
    family = access.family_or_404(request.user, family_pk, need=access.CHANGE)
    return family, get_object_or_404(family.persons.all(), pk=person_pk)


def _logins_url(family) -> str:
    return f"{family.get_absolute_url()}#portal-logins"


def _back(family):
    return redirect(_logins_url(family))


def _failed(request, family, person, *, refusal="", **forms):
    """The person's row as it stands now, with the form that failed: its input kept and its error shown."""
    audit.record(request, action=AccessAction.VIEW, family_id=family.pk, obj=person)
    person = Person.objects.select_related("user").get(pk=person.pk)
    row = selectors.portal_login_row(person, can_change=True)
    for name, form in forms.items():
        setattr(row, name, form)
    failed = next(iter(forms.values()), None)
    context = {"family": family, "person": person, "row": row, "failed": failed, "refusal": refusal}
    return render(request, "cases/portal_login.html", context)
