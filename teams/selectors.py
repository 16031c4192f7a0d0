"""Reads about ressursteams used by several views and by the seed data."""

from familielos.models import ServiceUnit
from teams.models import Ressursteam


def ressursteam_for_unit(unit: ServiceUnit | None) -> Ressursteam | None:
    """The ressursteam covering a kindergarten or school; the first by name if, unusually, several do."""
    if unit is None:
        return None
    return Ressursteam.objects.filter(covers=unit).order_by("name", "pk").first()
