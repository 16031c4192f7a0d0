from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import reverse

from cases import access


def portal_view(view):
    """A page of the family's own. Signed out: to the portal's sign-in page. Signed in as someone who may not use
    the portal (staff, a guardian without parental responsibility, a login no longer linked): 404. Otherwise the
    view finds the family member in `request.person` (with `person.family`), asked afresh on every request."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:sign_in"))
        person = access.portal_person(request.user)
        if person is None:
            raise Http404
        request.person = person
        return view(request, *args, **kwargs)

    return wrapped
