"""factory_boy factories. Cases at a level are made through the workflow, as the app makes them."""

from datetime import date, timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from cases import actions, workflow
from cases.models import ConsentDecision, Family, Level, Person, PersonRole
from familielos import roles
from familielos.models import Membership, ServiceKind, ServiceUnit
from familieteam import workflow as familieteam_workflow
from teams.models import Ressursteam, TeamMember, TeamRole

User = get_user_model()
# Every test user's password.
PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    # Fixed, unlike the families' names in tests: a random "Hansen" on staff would match a family's name on a page.
    first_name = factory.Sequence(lambda n: f"Tilsett{n}")
    last_name = "Prøvesen"
    # Hashed as the user is built, so the user row is written once (2,900 users a run).
    password = factory.LazyFunction(lambda: make_password(PASSWORD))

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))


class ServiceUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceUnit
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Eining {n}")
    kind = ServiceKind.SKOLE


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(ServiceUnitFactory)


class RessursteamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ressursteam
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Ressursteam {n}")
    group = factory.LazyAttribute(lambda team: Group.objects.create(name=f"Ressursteam: {team.name}"))

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        self.units.set(extracted or [ServiceUnitFactory(kind=ServiceKind.PPT)])

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        for user in extracted or []:
            TeamMember.objects.create(team=self, user=user)
            user.groups.add(self.group)


def begun_today():
    """Half an hour ago, or halfway back to midnight in the first hour of the day: a meeting under way today,
    whenever the test runs (a meeting is over at the end of its day). No two calls give the same time, as no team has
    two meetings at one time."""
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return max(now - timedelta(minutes=30), midnight + (now - midnight) / 2)


def unit_staff(**kwargs):
    return UserFactory(role=roles.UNIT_STAFF, **kwargs)


FAMILIELOS_SERVICE = "Familielos-tenesta"


def familielos_service() -> ServiceUnit:
    """The municipality's Familielos service, as the seed data names it."""
    return ServiceUnitFactory(name=FAMILIELOS_SERVICE, kind=ServiceKind.FAMILIELOS)


def familielos(*, service: ServiceUnit | None = None, **kwargs):
    """A familielos working in the Familielos service (the consent must cover it before they follow a family)."""
    user = UserFactory(role=roles.FAMILIELOS, **kwargs)
    Membership.objects.create(user=user, unit=service or familielos_service())
    return user


def ressursteam_member(team, **kwargs):
    return team_member(team, **kwargs)


def team_member(team, *, role=TeamRole.MEMBER, **kwargs):
    """A ressursteam member with a role in the team; the team's group gives them its family grants."""
    user = UserFactory(role=roles.RESSURSTEAM_MEMBER, **kwargs)
    TeamMember.objects.create(team=team, user=user, role=role)
    user.groups.add(team.group)
    return user


def open_case(*, opener=None, family_name="Familien Test", child_name="Kari", birth_date=None):
    """A registered family with a child and a guardian, and its case open at level 0."""
    opener = opener or unit_staff()
    return actions.register_family(
        actor=opener,
        family_name=family_name,
        child={"first_name": child_name, "last_name": "Test", "birth_date": birth_date or date(2018, 5, 17)},
        guardians=[{"first_name": "Guro", "last_name": "Test"}],
        reason="Bekymring over tid.",
    )


def give_consent(case, *, units, actor=None):
    guardian = case.family.persons.get(role=PersonRole.GUARDIAN, parental_responsibility=True)
    return actions.record_consent(
        actor=actor or case.opened_by,
        family=case.family,
        given_by=guardian,
        decision=ConsentDecision.GIVEN,
        units=list(units),
        valid_from=timezone.localdate() - timedelta(days=1),
        valid_to=timezone.localdate() + timedelta(days=365),
    )


def case_at(level, *, opener=None, team=None, los=None, **kwargs):
    """A case walked through the workflow to `level`; returns (case, team, familielos, team member)."""
    case = open_case(opener=opener, **kwargs)
    # One user object for the opener's steps up to level 2: its roles are read once, not once a step (fewer queries
    # in every test that builds a case).
    opener = case.opened_by
    member = None
    if level >= Level.AVKLARING:
        case = workflow.move_to_avklaring(actor=opener, case=case, reason="Samtale med foreldra.")
    if level >= Level.RESSURSTEAM:
        team = team or RessursteamFactory()
        units = list(team.units.all())
        if level >= Level.FAMILIELOS:
            # One consent covers both the team and the familielos's service, as the decision asks for.
            los = los or familielos()
            units += list(workflow.familielos_units(los))
        give_consent(case, units=units, actor=opener)
        case = workflow.refer_to_ressursteam(actor=opener, case=case, team=team, reason="Treng meir hjelp.")
    if level >= Level.FAMILIELOS:
        member = ressursteam_member(team)
        case = workflow.assign_familielos(actor=member, case=case, familielos=los, reason="Familielos er rett.")
    return case, team, los, member


def person(family: Family, **kwargs) -> Person:
    defaults = {"role": PersonRole.CHILD, "first_name": "Ola", "last_name": "Test"}
    return Person.objects.create(family=family, **{**defaults, **kwargs})


def family_login(person: Person, *, username: str, email: str = ""):
    """A family-member login to the family's own pages, linked to `person` by the family's case opener."""
    user = UserFactory(username=username, email=email or f"{username}@example.no", role=roles.FAMILY_MEMBER)
    actions.link_family_login(actor=person.family.cases.first().opened_by, person=person, user=user)
    return user


def familieteam_member(case, *, unit: ServiceUnit | None = None, mandate="Følgje opp skulen.", **kwargs):
    """A staff member of a service, added to the level-3 case's familieteam by its familielos after the guardians'
    consent has come to cover the service. Returns (member, user)."""
    unit = unit or ServiceUnitFactory()
    user = unit_staff(**kwargs)
    Membership.objects.create(user=user, unit=unit)
    give_consent(case, units=[unit], actor=case.familielos)
    member = familieteam_workflow.add_service_member(
        actor=case.familielos, team=case.familieteam, user=user, unit=unit, mandate=mandate
    )
    return member, user


def trusted_person(case, *, name="Nabo Nils", relation="Nabo", contact="900 00 000"):
    return familieteam_workflow.add_trusted_person(
        actor=case.familielos, team=case.familieteam, name=name, relation=relation, contact=contact
    )


def familieteam_meeting(case, *, starts_at=None, begun=False, place="Familiens heim", invited=()):
    """A planned meeting of the case's familieteam, booked by its familielos: tomorrow, or with `begun` an hour ago
    (a meeting is finished only once it has begun)."""
    if starts_at is None:
        starts_at = timezone.now() - timedelta(hours=1) if begun else timezone.now() + timedelta(days=1)
    return familieteam_workflow.plan_meeting(
        actor=case.familielos,
        team=case.familieteam,
        starts_at=starts_at,
        place=place,
        invited=list(invited),
    )
