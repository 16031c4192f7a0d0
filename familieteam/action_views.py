"""Action points: set in a familieteam meeting, ticked in place on the meeting page, the family page and in
"Mine aksjonspunkt", every staff member's own open points across their families."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from cases import access
from cases.models import ActionStatus
from familielos import audit, once, roles
from familielos.errors import Refused
from familielos.forms import errors_text
from familielos.models import AccessAction
from familieteam import selectors, workflow
from familieteam.action_forms import ActionPointForm, ActionPointStatusForm
from familieteam.canvas_views import action_points_context, page

FRAGMENT = "familieteam/_action_points.html"
ROW = "familieteam/_action_points.html#point"
MINE = "familieteam/my_action_points.html"
# How a row looks depends on the list it is in; the status form says which, so its answer fits back in.
LAYOUTS = ("meeting", "family", "mine")
# Points done or dropped stay in "Mine aksjonspunkt" this long, for the person to see what they closed.
RECENT_DAYS = 30
RECENT_MAX = 50


@login_required
@require_POST
@vary_on_headers("HX-Request")
def action_point_new(request, pk):
    """Set an action point in the meeting. htmx gets the list and a fresh form back (or the form with its errors);
    without JavaScript, the meeting page."""
    meeting = access.familieteam_meeting_or_404(request.user, pk)
    form = ActionPointForm(request.POST, meeting=meeting)
    refusal = ""
    if form.is_valid():
        try:
            with once.claim(request) as claimed:
                point = workflow.set_action_point(actor=request.user, meeting=meeting, **form.action_kwargs())
                claimed.shown_at(f"{meeting.get_absolute_url()}#action-point-{point.pk}")
        except once.SentAlready as sent:
            return once.sent_twice(request, sent)
        except Refused as refused:
            refusal = str(refused)
        else:
            audit.record(request, action=AccessAction.CHANGE, family_id=meeting.team.case.family_id, obj=point)
            form = None
    if not request.htmx:
        if form is None:
            messages.success(request, _("The action point is set."))
            return redirect("familieteam:meeting", meeting.pk)
        # The page again (its view recorded there) with the form as typed, its errors at the fields.
        return page(request, meeting, action_point_form=form, action_point_refusal=refusal)
    if form is not None:
        # The answer shows the meeting's points again.
        audit.record(request, action=AccessAction.VIEW, family_id=meeting.team.case.family_id, obj=meeting)
    context = action_points_context(request.user, meeting, form=form, refusal=refusal)
    context["action_point_set"] = form is None
    return render(request, FRAGMENT, context)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def action_point_status(request, pk):
    """Tick a point done, drop it or open it again. A change from an older version, or by someone who may not
    tick it, is refused with the point as it is now."""
    point = access.action_point_or_404(request.user, pk)
    form = ActionPointStatusForm(request.POST)
    refusal = ""
    if not form.is_valid():
        # What was wrong: the comment's own rule, a status that was not one offered, or a page out of date.
        refusal = errors_text(form)
    else:
        try:
            workflow.set_action_point_status(actor=request.user, point=point, **form.cleaned_data)
        except Refused as refused:
            refusal = str(refused)
        else:
            audit.record(request, action=AccessAction.CHANGE, family_id=point.family_id, obj=point)
    if refusal:
        # The answer shows the point as it is now.
        audit.record(request, action=AccessAction.VIEW, family_id=point.family_id, obj=point)
    point = access.action_point_or_404(request.user, pk)
    point.can_tick = workflow.can_tick(request.user, point)
    next_url = _next_url(request, point)
    if not request.htmx:
        if refusal:
            messages.error(request, refusal)
        else:
            messages.success(request, _("The action point is changed."))
        return redirect(next_url)
    layout = request.POST.get("layout")
    context = {
        "point": point,
        "layout": layout if layout in LAYOUTS else "meeting",
        "next_url": next_url,
        "refusal": refusal,
        "changed": not refusal,
        # A refused change keeps the comment as it was typed, to mend and send again.
        "kept_comment": form.data.get("comment", "") if refusal else None,
    }
    # Refused for who they are (not for a stale version): htmx swaps a 403 in, marked as an error.
    response = render(request, ROW, context, status=403 if refusal and not point.can_tick else 200)
    if context["layout"] == "mine":
        # Refused too: a point changed in another tab (the usual refusal) has changed the count as well.
        response.content += _open_count(request.user).encode()
    return response


@login_required
@require_GET
def my_action_points(request):
    """The user's own open action points across the families they work with, the earliest date (so the overdue)
    first, and those they closed in the last 30 days."""
    if not roles.works_with_families(request.user):
        raise Http404
    mine = selectors.my_action_points(request.user).select_related("family", "samtale", "meeting")
    open_points = list(
        mine.filter(status=ActionStatus.OPEN).order_by(F("due").asc(nulls_last=True), "created_at", "pk")
    )
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    closed = list(
        mine.exclude(status=ActionStatus.OPEN).filter(status_at__gte=since).order_by("-status_at", "-pk")[:RECENT_MAX]
    )
    for point in [*open_points, *closed]:
        point.can_tick = workflow.can_tick(request.user, point)
    audit.record_listed(request, [point.family_id for point in [*open_points, *closed]], object_type="action_points")
    context = {
        "open_points": open_points,
        "closed_points": closed,
        "open_count": len(open_points),
        "overdue_count": sum(point.is_overdue for point in open_points),
        "next_url": reverse("familieteam:my_action_points"),
        "recent_days": RECENT_DAYS,
    }
    return render(request, MINE, context)


def _open_count(user) -> str:
    """The count line of "Mine aksjonspunkt", to swap in (htmx) after a point there is ticked."""
    open_points = list(selectors.my_action_points(user).filter(status=ActionStatus.OPEN).only("status", "due"))
    context = {
        "open_count": len(open_points),
        "overdue_count": sum(point.is_overdue for point in open_points),
        "oob": True,
    }
    return render_to_string(f"{MINE}#open-count", context)


def _next_url(request, point) -> str:
    """Where the person came from (a path on this site), else the page the point was set on. Only a path: anything
    else would be read by redirect() as the name of a view."""
    wanted = request.POST.get("next", "")
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    if point.meeting_id is not None:
        return reverse("familieteam:meeting", args=[point.meeting_id])
    return point.family.get_absolute_url()
