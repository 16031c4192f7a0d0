"""Messages the case pages show after a change that may have moved the case without the person asking for it."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from cases import access
from cases.models import Case, Family, Status


def tell_if_stepped_down(request, case: Case | None) -> None:
    """After a change to what the guardians consent to: say so if `case` (as read before it) has stepped down."""
    if case is None or case.status != Status.OPEN:
        return
    level = Case.objects.filter(pk=case.pk).values_list("level", flat=True).get()
    if level < case.level:
        messages.warning(
            request,
            _(
                "The case went back to level %(level)s: the guardians' consent no longer covers the services it was "
                "shared with. The case history says which."
            )
            % {"level": level},
        )


def back_to(request, family: Family, url: str):
    """Back to `url` on the family's pages; or, if the change just made took the family from the person (a refusal
    or a withdrawal that stepped the case down below the level they work at), to the start page, saying why."""
    if access.family_or_none(request.user, family.pk) is None:
        messages.info(request, _("You no longer work with this family, so its page is closed."))
        return redirect("home")
    return redirect(url)
