"""The access audit log: who looked at or changed which family's data, when and from where."""

import ipaddress

from django.conf import settings

from familielos.models import AccessAction, AccessEvent
from familielos.roles import role_of


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


def record(request, *, action: AccessAction, family_id: int, obj=None, object_type: str = "") -> AccessEvent:
    """Write one access event for the family; `obj` names the record looked at, if any."""
    user = request.user
    return AccessEvent.objects.create(
        actor=user,
        actor_username=user.get_username(),
        role=role_of(user),
        action=action,
        family_id=family_id,
        object_type=object_type or (obj._meta.model_name if obj is not None else "family"),
        object_id=str(obj.pk) if obj is not None else str(family_id),
        path=request.get_full_path()[:500],
        ip=client_ip(request),
    )


def record_listed(request, family_ids, *, object_type: str) -> None:
    """One view event for each family whose name a list page showed, written in one insert."""
    user = request.user
    shared = {
        "actor": user,
        "actor_username": user.get_username(),
        "role": role_of(user),
        "action": AccessAction.VIEW,
        "object_type": object_type,
        "path": request.get_full_path()[:500],
        "ip": client_ip(request),
    }
    AccessEvent.objects.bulk_create(
        AccessEvent(family_id=family_id, object_id=str(family_id), **shared) for family_id in sorted(set(family_ids))
    )


def trail(family_id: int):
    """A family's audit trail, newest first."""
    return AccessEvent.objects.filter(family_id=family_id)
