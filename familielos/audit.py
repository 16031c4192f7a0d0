"""The access audit log: who looked at or changed which family's data, when and from where."""

from familielos.models import AccessAction, AccessEvent
from familielos.roles import role_of


def client_ip(request) -> str | None:
    # Behind a proxy REMOTE_ADDR is the proxy; django-axes resolves the client the same way it locks out.
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


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


def trail(family_id: int):
    """A family's audit trail, newest first."""
    return AccessEvent.objects.filter(family_id=family_id)
