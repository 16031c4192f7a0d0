"""The unit's inbox of self-assessments guardians chose to send: anonymous until a staff member opens one.

Opening is recorded in the change history (pghistory: the opened_by/opened_at update, with the acting user),
not the access log: a concern sent from the public page belongs to no family yet.
"""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from familielos import roles
from familielos.decorators import permission_or_404
from screening import selectors, workflow
from screening.models import FactorKind


@permission_or_404("screening.add_submission")
@require_GET
def concern_list(request):
    """Date, age group and recommendation only: nothing that tells who sent it."""
    concerns = selectors.guardian_inbox(request.user).order_by("-submitted_at", "-pk")
    page = Paginator(concerns, 50).get_page(request.GET.get("side"))
    return render(request, "screening/inbox/list.html", {"page": page})


@permission_or_404("screening.add_submission")
@require_GET
def concern_detail(request, pk):
    """Before opening: the same anonymous facts and an Open button. After: the contact details and answers, and the
    next steps: register the family, or start a staff screening from the guardian's answers.
    """
    concern = get_object_or_404(selectors.guardian_inbox(request.user), pk=pk)
    context = {"concern": concern}
    if concern.opened_at is not None:
        factors = list(concern.factors.select_related("group").order_by("group__position", "position", "pk"))
        context["risk_factors"] = [factor for factor in factors if factor.kind == FactorKind.RISK]
        context["protective_factors"] = [factor for factor in factors if factor.kind == FactorKind.PROTECTIVE]
        context["can_register_family"] = roles.may_register_families(request.user)
        query = {"unit": concern.unit_id, "age_group": concern.instrument.age_group, "fra": concern.pk}
        context["screening_url"] = f"{reverse('screening:submission_new')}?{urlencode(query)}"
    return render(request, "screening/inbox/detail.html", context)


@permission_or_404("screening.add_submission")
@require_POST
def open_concern(request, pk):
    """Reveal who sent it. The first opening is kept: who and when, in the change history."""
    concern = get_object_or_404(selectors.guardian_inbox(request.user), pk=pk)
    workflow.open_guardian_concern(actor=request.user, submission=concern)
    return redirect("inbox:detail", pk=concern.pk)
