"""The baton's pages: hand it over from the family page, answer the handovers waiting for you, and hand all your
families over at once (a holder who leaves). The rules and every change are cases.baton's; a refusal is shown on
the page."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from cases import access, baton
from cases.models import HANDOVER_NOTE_MAX
from familielos import audit, roles
from familielos.errors import Refused
from familielos.models import AccessAction
from familielos.validators import readable


class PersonField(forms.ChoiceField):
    """A choice of one of the people listed; cleans to the person (None when none is chosen)."""

    default_error_messages = {
        "invalid_choice": gettext_lazy("Choose one of the people listed: only staff who work with the family can.")
    }

    def __init__(self, people, **kwargs):
        self.people = {str(person.pk): person for person in people}
        choices = [("", gettext_lazy("Choose a person"))]
        choices += [(key, roles.display_name(person)) for key, person in self.people.items()]
        super().__init__(choices=choices, **kwargs)

    def clean(self, value):
        return self.people.get(super().clean(value))


def _note_field():
    return forms.CharField(
        label=gettext_lazy("Note to the new holder"),
        help_text=gettext_lazy("What they need to know to take over. Shown to the person you ask."),
        max_length=HANDOVER_NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[readable],
    )


class HandoverForm(forms.Form):
    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"] = PersonField(people, label=gettext_lazy("New baton holder"))
        self.fields["note"] = _note_field()


class BulkHandoverForm(forms.Form):
    """One choice of new holder per family (left empty, the family stays with you), and one note for all."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        for row in rows:
            if row["people"] is not None:
                field = PersonField(row["people"], label=row["baton"].family.name, required=False)
                self.fields[f"family_{row['baton'].family_id}"] = field
                row["field_name"] = f"family_{row['baton'].family_id}"
        self.fields["note"] = _note_field()

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.assignments():
            raise forms.ValidationError(_("Choose a new holder for at least one family."))
        return cleaned

    def assignments(self) -> dict:
        return {
            int(name.removeprefix("family_")): person
            for name, person in self.cleaned_data.items()
            if name.startswith("family_") and person is not None
        }


@login_required
@require_http_methods(["GET", "POST"])
def handover_new(request, family_pk):
    """Hand the family's baton over: the new holder is asked, and the holder keeps it until they accept."""
    family = access.family_or_404(request.user, family_pk, need=access.CHANGE, with_change=True)
    context = baton.baton_context(request.user, family)
    form = None
    refusal = baton.handover_refusal(context)
    if not refusal:
        people = [
            person for person in baton.candidates([family.pk])[family.pk] if person.pk != context["baton"].holder_id
        ]
        form = HandoverForm(request.POST or None, people=people)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            handover = baton.request_handover(actor=request.user, family=family, **form.cleaned_data)
        except Refused as refused:
            refusal = str(refused)
        else:
            audit.record(request, action=AccessAction.CREATE, family_id=family.pk, obj=handover)
            messages.success(
                request,
                _("%(name)s is asked to take over the baton; it stays with %(holder)s until they accept.")
                % {"name": roles.display_name(handover.to_user), "holder": roles.display_name(handover.from_user)},
            )
            return redirect(family)
    audit.record(request, action=AccessAction.VIEW, family_id=family.pk, object_type="baton")
    return render(request, "cases/baton_handover.html", {"family": family, "form": form, "refusal": refusal, **context})


def _waiting_context(request) -> dict:
    """The handovers waiting for the user, those they asked for, and the families they hold the baton for; each
    family named is an access event."""
    waiting = list(baton.waiting_for(request.user))
    asked = list(baton.requested_by(request.user))
    held = list(baton.held_batons(request.user))
    families = [handover.family_id for handover in waiting + asked] + [row.family_id for row in held]
    audit.record_listed(request, families, object_type="baton")
    return {"waiting": waiting, "asked": asked, "held": held}


@login_required
@require_GET
@vary_on_headers("HX-Request")
def waiting(request):
    _require_staff(request.user)
    template = "cases/baton_waiting.html#handovers" if request.htmx else "cases/baton_waiting.html"
    return render(request, template, _waiting_context(request))


def _answer(request, pk, change, done_message):
    """Accept, decline or cancel a handover; back to the list (its fragment for htmx), or to the family page."""
    handover = access.handover_or_404(request.user, pk)
    family = handover.family
    try:
        change(actor=request.user, handover=handover)
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        audit.record(request, action=AccessAction.CHANGE, family_id=family.pk, obj=handover)
        messages.success(request, done_message % {"family": family.name, "name": roles.display_name(handover.to_user)})
    if request.htmx:
        return render(request, "cases/baton_waiting.html#handovers", _waiting_context(request))
    if request.POST.get("then") == "family" and access.can(request.user, family):
        return redirect(family)
    return redirect("baton:waiting")


@login_required
@require_POST
@vary_on_headers("HX-Request")
def accept(request, pk):
    return _answer(request, pk, baton.accept_handover, _("You now hold the baton for %(family)s."))


@login_required
@require_POST
@vary_on_headers("HX-Request")
def decline(request, pk):
    return _answer(request, pk, baton.decline_handover, _("You declined the baton for %(family)s."))


@login_required
@require_POST
@vary_on_headers("HX-Request")
def cancel(request, pk):
    return _answer(request, pk, baton.cancel_handover, _("The handover of %(family)s to %(name)s is cancelled."))


@login_required
@require_http_methods(["GET", "POST"])
def bulk(request):
    """Every family whose baton the user holds, with a choice of new holder for each: the families chosen are handed
    over at once, each waiting for its new holder to accept."""
    _require_staff(request.user)
    held = list(baton.held_batons(request.user))
    family_ids = [held_baton.family_id for held_baton in held]
    pending = baton.pending_by_family(family_ids)
    people = baton.candidates(family_id for family_id in family_ids if family_id not in pending)
    rows = [
        {
            "baton": held_baton,
            "pending": pending.get(held_baton.family_id),
            "people": None
            if held_baton.family_id in pending
            else [person for person in people[held_baton.family_id] if person.pk != request.user.pk],
        }
        for held_baton in held
    ]
    form = BulkHandoverForm(request.POST or None, rows=rows)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            handovers = baton.bulk_handover(
                actor=request.user, assignments=form.assignments(), note=form.cleaned_data["note"]
            )
        except Refused as refused:
            refusal = str(refused)
        else:
            for handover in handovers:
                audit.record(request, action=AccessAction.CREATE, family_id=handover.family_id, obj=handover)
            messages.success(
                request,
                ngettext(
                    "%(count)s handover is sent. You hold the baton until the new holder accepts.",
                    "%(count)s handovers are sent. You hold each baton until its new holder accepts.",
                    len(handovers),
                )
                % {"count": len(handovers)},
            )
            return redirect("baton:waiting")
    audit.record_listed(request, family_ids, object_type="baton")
    for row in rows:
        row["field"] = form[row["field_name"]] if "field_name" in row else None
    return render(request, "cases/baton_bulk.html", {"rows": rows, "form": form, "refusal": refusal})


def _require_staff(user) -> None:
    """The baton's pages are staff pages: a family's own login, or a role that works with no family, finds none."""
    if not roles.works_with_families(user):
        raise Http404
