"""What a request gets while the database cannot be reached: a 503 page, one log line, and no traceback.

PostgreSQL restarting (or a failover) takes seconds; during it every page would otherwise fail with a 500 and
several tracebacks, since middleware touches the session again after the view has failed.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# PostgreSQL's own word that the server went away: class 08 (connection exception), and from class 57 an
# administrator's or a crash shutdown and "cannot connect now" (starting up, shutting down, in recovery).
OUTAGE_SQLSTATES = {"57P01", "57P02", "57P03"}


def is_outage(error: BaseException | None) -> bool:
    """True when `error` says the database is unreachable, not that a query was wrong.

    A statement timeout or a deadlock is an OperationalError too, but it is a fault worth a traceback; a refused or
    broken connection carries no SQLSTATE (or one of the connection classes).
    """
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith("08") or sqlstate in OUTAGE_SQLSTATES


def unavailable_response(request, error: BaseException) -> HttpResponse:
    """The "temporarily unavailable" page (or its fragment, for htmx), rendered without touching the database.

    Logged once per request however many layers fail after the first; Django's own request logging is told the
    response was logged, so it adds no traceback.
    """
    if not getattr(request, "database_unavailable", False):
        request.database_unavailable = True
        reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
        logger.warning(
            "Database unavailable, answered 503: %s %s (%s: %s)",
            request.method,
            request.path,
            type(error).__name__,
            reason,
        )
        # A programming fault can look like an outage (a connection shared between threads): the traceback is
        # there for whoever turns on debug logging.
        logger.debug("The error taken for an outage", exc_info=error)
    htmx = request.headers.get("HX-Request") == "true"
    template = loader.get_template("503.html#message" if htmx else "503.html")
    response = HttpResponse(template.render({"LANGUAGE_CODE": get_language()}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    patch_vary_headers(response, ["HX-Request"])
    response._has_been_logged = True
    return response
