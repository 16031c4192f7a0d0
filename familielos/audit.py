"""The access audit log: who looked at or changed which family's data, when and from where."""

import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from familielos.models import AccessAction, AccessEvent
from familielos.roles import role_of

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The width of the username column in django-axes' AccessAttempt and AccessFailureLog tables.
AXES_USERNAME_LENGTH = 255


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind PROXY_COUNT proxies the entry they added to X-Forwarded-For.

    Each trusted proxy appends the address it saw, so the N-th entry from the right is the one the outermost of
    the N proxies saw; anything left of it is the client's own claim and is never trusted. django-axes locks
    out by this address too (AXES_CLIENT_IP_CALLABLE). None when the address is not a valid IP.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.PROXY_COUNT
    if proxies > 0:
        forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [entry for entry in forwarded if entry]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    return _valid_ip(address)


def login_username(request, credentials: dict | None) -> str | None:
    """The username a login attempt is throttled by, cut to the 255 characters django-axes' tables hold.

    The login form passes any length on to authentication; a longer name failed the attempt's insert with a 500
    instead of counting as one more wrong login. No account has such a name (usernames are at most 150), so
    the cut never merges two real accounts.
    """
    data = credentials if credentials else getattr(request, "POST", {})
    username = data.get(settings.AXES_USERNAME_FORM_FIELD)
    return username[:AXES_USERNAME_LENGTH] if username else username


def _valid_ip(value: str) -> str | None:
    """The address in canonical form, or None; tolerates a port some proxies append ("1.2.3.4:5678", "[::1]:80")."""
    candidates = [value]
    if value.startswith("["):
        candidates.append(value[1:].partition("]")[0])
    elif value.count(":") == 1:
        candidates.append(value.partition(":")[0])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def record(request, *, action: AccessAction, family_id: int, obj=None, object_type: str = "") -> None:
    """Write one access event for the family; `obj` names the record looked at, if any.

    The address is stored without its query string: a search (`?q=Familien Hansen`) would put a family's name in
    the log of every family it matched, readable by people with no grant on that family.
    """
    _insert(
        request,
        action=action,
        shown={family_id: object_type or (obj._meta.model_name if obj is not None else "family")},
        object_id=str(obj.pk) if obj is not None else None,
    )


def record_listed(request, family_ids, *, object_type: str, obj=None) -> None:
    """One view event for each family whose name a list page showed, written in one insert; `obj` is the record
    the page is of (a meeting), if any."""
    record_shown(request, dict.fromkeys(family_ids, object_type), obj=obj)


def record_shown(request, shown: dict[int, str], *, obj=None) -> None:
    """One view event for each family a page showed something of, with the kind of record it showed of that family
    (`shown`: family id → object type), written in one insert."""
    _insert(request, action=AccessAction.VIEW, shown=shown, object_id=str(obj.pk) if obj is not None else None)


def _insert(request, *, action: AccessAction, shown: dict[int, str], object_id=None) -> None:
    """Insert one event per family (`shown`: family id → object type) in one statement; object_id None: no record
    but the family (its page, a list).

    A view event written on its own (a page view, whose only write it is) commits asynchronously: the statement
    sets synchronous_commit off for its own transaction, so the request does not wait for the WAL flush (an fsync,
    the largest fixed cost of every family page). PostgreSQL keeps the database consistent and the events in order;
    only a crash of the database server or its machine can lose events, at most those of the last
    3 × wal_writer_delay (0.6 s by default), and the next synchronous commit flushes every event before it. Every
    other event (a change, a download, an export) waits for the disk, as does a view event inside a larger
    transaction and every event with AUDIT_SYNCHRONOUS_COMMIT on (docs/deployment.md, "The access log's
    durability").
    """
    if not shown:
        return
    family_ids = sorted(shown)
    asynchronous = (
        action == AccessAction.VIEW and not settings.AUDIT_SYNCHRONOUS_COMMIT and not connection.in_atomic_block
    )
    # A one-row item in FROM, evaluated before the statement's transaction commits; it adds no column.
    commit_mode = ", (SELECT set_config('synchronous_commit', 'off', true)) AS commit_mode" if asynchronous else ""
    user = request.user
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {AccessEvent._meta.db_table} "
            "(at, actor_id, actor_username, role, action, family_id, object_type, object_id, path, ip) "
            "SELECT %s, %s, %s, %s, %s, family.id, family.object_type, COALESCE(%s, ''), %s, %s::inet "
            f"FROM unnest(%s::bigint[], %s::text[]) AS family(id, object_type){commit_mode}",
            [
                timezone.now(),
                user.pk,
                user.get_username(),
                role_of(user),
                action.value,
                object_id,
                request.path[:500],
                client_ip(request),
                family_ids,
                [shown[family_id] for family_id in family_ids],
            ],
        )


def trail(family_id: int):
    """A family's audit trail, newest first."""
    return AccessEvent.objects.filter(family_id=family_id)


@dataclass
class EventPage:
    """One page of access events, newest first, with cursors to the neighbouring pages (None at either end)."""

    events: list[AccessEvent]
    newer: str | None
    older: str | None


def events_page(events: QuerySet, *, older: str = "", newer: str = "", size: int = 50) -> EventPage:
    """A page of `events` by (at, id): those older than the cursor `older`, or newer than `newer`, else the newest.

    Keyset paging reads only the rows it shows, however deep the page and however large the table, and never
    counts the table. A cursor that is not one of ours gives the newest page.
    """
    if (position := _position(newer)) is not None:
        rows = list(events.filter(_after(*position)).order_by("at", "id")[: size + 1])
        shown, more_newer, more_older = rows[:size][::-1], len(rows) > size, True
    elif (position := _position(older)) is not None:
        rows = list(events.filter(_before(*position)).order_by("-at", "-id")[: size + 1])
        shown, more_newer, more_older = rows[:size], True, len(rows) > size
    else:
        rows = list(events.order_by("-at", "-id")[: size + 1])
        shown, more_newer, more_older = rows[:size], False, len(rows) > size
    if not shown:
        return EventPage([], newer=None, older=None)
    return EventPage(
        shown,
        newer=cursor_for(shown[0]) if more_newer else None,
        older=cursor_for(shown[-1]) if more_older else None,
    )


def _before(at: datetime, pk: int) -> Q:
    # `at <= x` on its own, so that the index on `at` bounds the scan; the rest breaks ties within one instant.
    return Q(at__lte=at) & (Q(at__lt=at) | Q(id__lt=pk))


def _after(at: datetime, pk: int) -> Q:
    return Q(at__gte=at) & (Q(at__gt=at) | Q(id__gt=pk))


def cursor_for(event: AccessEvent) -> str:
    """The opaque cursor of an event's place in the log, for the "newer" and "older" links."""
    micros = (event.at - EPOCH) // timedelta(microseconds=1)
    return urlsafe_base64_encode(f"{micros}.{event.pk}".encode())


def _position(cursor: str) -> tuple[datetime, int] | None:
    """The (at, id) a cursor stands for, or None when it is not one of ours."""
    if not cursor or len(cursor) > 64:
        return None
    try:
        micros, pk = urlsafe_base64_decode(cursor).decode("ascii").split(".")
        at = EPOCH + timedelta(microseconds=int(micros))
        pk = int(pk)
    except (ValueError, OverflowError, UnicodeDecodeError):
        return None
    if not 0 < pk < 2**63:
        return None
    return at, pk
