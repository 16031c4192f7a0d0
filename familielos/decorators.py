from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404


def permission_or_404(perm):
    """Signed-in users without `perm` get the same 404 as for a page that does not exist."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm(perm):
                raise Http404
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator
