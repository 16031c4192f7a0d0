"""Which ressursteam covers a kindergarten or school."""

import pytest

from familielos.models import ServiceKind
from teams.selectors import ressursteam_for_unit
from tests import factories

pytestmark = pytest.mark.django_db


def test_ressursteam_for_unit__is_the_team_covering_the_school_not_one_with_it_as_a_service():
    school = factories.ServiceUnitFactory(name="Vestbygd skule", kind=ServiceKind.SKOLE)
    covering = factories.RessursteamFactory(name="Ressursteam Vest")
    covering.covers.add(school)
    factories.RessursteamFactory(name="Ressursteam Aust", units=[school])
    assert ressursteam_for_unit(school) == covering


def test_ressursteam_for_unit__uncovered_or_no_unit__is_none():
    assert ressursteam_for_unit(factories.ServiceUnitFactory(name="Anna skule")) is None
    assert ressursteam_for_unit(None) is None
