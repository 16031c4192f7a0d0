"""Demo data: a municipality with units, teams, users for every role and families at every BTI level.

Every case is made through cases/workflow.py, as a user would make it. Idempotent: running it again
adds nothing. `--scale N` adds N times Øygarden's volumes (DOMAIN.md) for benchmarks, one batch per multiple;
each batch is made in one transaction, so a batch whose team exists is whole, and a second run adds only the
batches still missing.
"""

import random
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from faker import Faker

from cases import actions, workflow
from cases.models import Case, ConsentDecision, Family, LetterTemplate, Level
from familielos import roles
from familielos.models import Membership, ServiceKind, ServiceUnit
from screening import workflow as screening_workflow
from teams import workflow as team_workflow
from teams.models import Ressursteam, TeamRole
from teams.selectors import ressursteam_for_unit

User = get_user_model()
DEMO_PASSWORD = "familielos-demo"

UNITS = [
    ("Solbakken barnehage", ServiceKind.BARNEHAGE),
    ("Havbris barnehage", ServiceKind.BARNEHAGE),
    ("Vestbygd skule", ServiceKind.SKOLE),
    ("Vestbygd SFO", ServiceKind.SFO),
    ("Øygarden ungdomsskule", ServiceKind.SKOLE),
    ("Helsestasjonen", ServiceKind.HELSESTASJON),
    ("Fastlegekontoret Straume", ServiceKind.FASTLEGE),
    ("PPT", ServiceKind.PPT),
    ("Barnevernstenesta", ServiceKind.BARNEVERN),
    ("NAV Øygarden", ServiceKind.NAV),
    ("Psykisk helse barn og unge", ServiceKind.PSYKISK_HELSE),
    ("Familielos-tenesta", ServiceKind.FAMILIELOS),
]
# The services in each team (the guardians' consent covers them) and the units whose families it takes: the
# kindergarten team (north) for small children, the school team (south) for school children.
TEAMS = {
    "Ressursteam nord": {
        "services": ["Solbakken barnehage", "Helsestasjonen", "PPT", "Barnevernstenesta"],
        "covers": ["Solbakken barnehage", "Havbris barnehage", "Helsestasjonen"],
    },
    "Ressursteam sør": {
        "services": ["Vestbygd skule", "Øygarden ungdomsskule", "PPT", "Psykisk helse barn og unge", "NAV Øygarden"],
        "covers": ["Vestbygd skule", "Vestbygd SFO", "Øygarden ungdomsskule"],
    },
}
# Children's ages (from, to) by the kind of unit that has the concern.
AGES = {ServiceKind.BARNEHAGE: (1, 5), ServiceKind.HELSESTASJON: (1, 4), ServiceKind.SKOLE: (6, 15)}
# username, first name, last name, role, unit, ressursteam
USERS = [
    ("admin", "Ada", "Administrator", roles.ADMINISTRATOR, None, None),
    ("leder", "Liv", "Leiarsen", roles.LEADER, None, None),
    ("pedagog", "Per", "Pedersen", roles.UNIT_STAFF, "Solbakken barnehage", None),
    ("laerer", "Lise", "Lærer", roles.UNIT_STAFF, "Vestbygd skule", None),
    ("helsesykepleier", "Hanne", "Helland", roles.UNIT_STAFF, "Helsestasjonen", None),
    ("rt-nord", "Nora", "Nordli", roles.RESSURSTEAM_MEMBER, "PPT", "Ressursteam nord"),
    (
        "rt-sor",
        "Sindre",
        "Sørheim",
        roles.RESSURSTEAM_MEMBER,
        "Psykisk helse barn og unge",
        "Ressursteam sør",
    ),
    ("los1", "Frida", "Losvik", roles.FAMILIELOS, "Familielos-tenesta", None),
    ("los2", "Geir", "Fjeldstad", roles.FAMILIELOS, "Familielos-tenesta", None),
    ("los3", "Marte", "Brekke", roles.FAMILIELOS, "Familielos-tenesta", None),
    ("forsker", "Rune", "Forsk", roles.RESEARCHER, None, None),
]
DEMO_LEVELS = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, "closed"]
# Øygarden, per municipality: families with a concern at each level at one time (DOMAIN.md volumes).
SCALE_VOLUMES = {Level.UNDRING: 400, Level.AVKLARING: 210, Level.RESSURSTEAM: 40, Level.FAMILIELOS: 50}
SEED = 2019
# A scale batch is a district of its own: copies of the demo's kindergartens and schools, a team covering them
# with these services, its staff and familieloser.
SCALE_UNITS = ["Solbakken barnehage", "Havbris barnehage", "Vestbygd skule", "Øygarden ungdomsskule"]
SCALE_TEAM_SERVICES = ["Helsestasjonen", "PPT", "Barnevernstenesta", "Psykisk helse barn og unge"]


def scale_team_name(batch: int) -> str:
    """The ressursteam of one scale batch; it is made in the batch's transaction, so it marks a finished batch."""
    return f"Ressursteam skala {batch}"


class Command(BaseCommand):
    help = "Create demo data (idempotent); --scale N adds N times one municipality's volumes for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=0, help="Add N × Øygarden's volumes of families.")
        parser.add_argument(
            "--allow-production-settings",
            action="store_true",
            help="Run even though HTTPS is on and DEBUG off (a staging site that really wants demo data).",
        )

    def handle(self, *args, scale, allow_production_settings=False, **options):
        # The demo users, a superuser among them, share a password published in this file.
        if settings.HTTPS and not settings.DEBUG and not allow_production_settings:
            raise CommandError(
                "These look like production settings (HTTPS on, DEBUG off): seed_demo creates users, a superuser "
                f"among them, with the published password «{DEMO_PASSWORD}». Run it against a demo or test site; "
                "for a staging site that really wants demo data, pass --allow-production-settings."
            )
        self.fake = Faker("no_NO")
        Faker.seed(SEED)
        self.random = random.Random(SEED)
        with transaction.atomic():
            roles.sync_roles()
            self.units = self._units()
            self.teams = self._teams()
            self.users = self._users()
            # The shipped letters' placeholder letterhead: the letters name the municipality as the pages do.
            LetterTemplate.objects.filter(letterhead="Kommunen").update(letterhead=settings.MUNICIPALITY_NAME)
            if not Family.objects.filter(created_by=self.users["pedagog"]).exists():
                self._demo_families()
                self._demo_screenings()
            self._family_login()
        for batch in range(scale):
            if Ressursteam.objects.filter(name=scale_team_name(batch)).exists():
                self.stdout.write(f"Scale batch {batch + 1}/{scale} is already in place.")
                continue
            with transaction.atomic():
                self._scale_batch(batch)
            self.stdout.write(f"Scale batch {batch + 1}/{scale} done.")
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
        self.stdout.write(f"Demo logins (password «{DEMO_PASSWORD}» for all):")
        for username, _first, _last, role, unit, team in USERS:
            where = ", ".join(filter(None, [unit, team]))
            self.stdout.write(f"  {username:<16} {roles.LABELS[role]}{' – ' + where if where else ''}")
        self.stdout.write(f"  {'forelder':<16} {roles.LABELS[roles.FAMILY_MEMBER]}")

    def _units(self):
        return {
            name: ServiceUnit.objects.get_or_create(name=name, defaults={"kind": kind, "contact": "55 00 00 00"})[0]
            for name, kind in UNITS
        }

    def _teams(self):
        teams = {}
        for name, units in TEAMS.items():
            group, _ = Group.objects.get_or_create(name=f"Ressursteam: {name}")
            team, _ = Ressursteam.objects.get_or_create(name=name, defaults={"group": group})
            team.units.set([self.units[unit] for unit in units["services"]])
            team.covers.set([self.units[unit] for unit in units["covers"]])
            teams[name] = team
        return teams

    def _users(self):
        users = {}
        for username, first, last, role, unit, team in USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "email": f"{username}@oygarden.example"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.is_staff = role == roles.ADMINISTRATOR
                user.is_superuser = role == roles.ADMINISTRATOR
                user.save()
            user.groups.add(Group.objects.get(name=role))
            if unit:
                Membership.objects.get_or_create(user=user, unit=self.units[unit])
            if team:
                team_workflow.add_team_member(
                    actor=users["admin"], team=self.teams[team], user=user, role=TeamRole.LEADER
                )
            users[username] = user
        return users

    def _demo_families(self):
        openers = [
            (self.users["pedagog"], self.units["Solbakken barnehage"]),
            (self.users["laerer"], self.units["Vestbygd skule"]),
            (self.users["helsesykepleier"], self.units["Helsestasjonen"]),
        ]
        for index, target in enumerate(DEMO_LEVELS):
            opener, unit = openers[index % len(openers)]
            self._family_at(target, opener=opener, unit=unit, familielos=self.users[f"los{index % 3 + 1}"])

    def _demo_screenings(self):
        """Screenings and conversations for the teacher: a draft, a named concern due soon, one overdue, a booked
        conversation, and a self-assessment a guardian sent to the school."""
        teacher, school = self.users["laerer"], self.units["Vestbygd skule"]
        instrument = screening_workflow.current_instrument("barneskole")
        risks = list(instrument.factors.filter(kind="risk", signals_abuse=False).values_list("pk", flat=True))
        protective = list(instrument.factors.filter(kind="protective").values_list("pk", flat=True))
        screening_workflow.save_screening(
            actor=teacher,
            instrument=instrument,
            unit=school,
            factor_ids=risks[:2],
            child_description="Gut, 8 år, 3B",
            seen="Sit mykje åleine i friminutta.",
        )
        for index, days_left in enumerate((5, -2)):
            case = self._family_at(Level.UNDRING, opener=teacher, unit=school, familielos=None)
            screening_workflow.save_screening(
                actor=teacher,
                instrument=instrument,
                unit=school,
                factor_ids=risks[index : index + 4] + protective[:2],
                child=case.children.get(),
                submit=True,
                seen="Har vore stille og lei seg sidan hausten.",
                duration="Tre månader",
            )
            # The deadline is set 14 days out; move it so the demo shows one soon and one overdue.
            Case.objects.filter(pk=case.pk).update(decision_deadline=timezone.localdate() + timedelta(days=days_left))
        case = self._family_at(Level.UNDRING, opener=teacher, unit=school, familielos=None)
        actions.book_avklaringssamtale(
            actor=teacher,
            case=case,
            starts_at=timezone.now().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=3),
            place="Vestbygd skule, møterom 2",
            participants="Foreldra, kontaktlærar",
        )
        guardian_version = screening_workflow.current_instrument("barneskole", "guardian")
        screening_workflow.send_self_assessment(
            instrument=guardian_version,
            unit=school,
            factor_ids=list(guardian_version.factors.filter(kind="risk").values_list("pk", flat=True)[:3]),
            contact_name="Kari Nordmann",
            contact_phone="900 00 000",
            message="Vi lurer på om sonen vår har det vanskeleg på skulen.",
        )

    def _family_login(self):
        """The portal login of one guardian in the first demo family (the family member role)."""
        user, created = User.objects.get_or_create(username="forelder", defaults={"first_name": "Forelder"})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=roles.FAMILY_MEMBER))
            family = Family.objects.filter(created_by=self.users["pedagog"]).order_by("pk").first()
            guardian = family.persons.filter(parental_responsibility=True).first()
            actions.link_family_login(actor=self.users["pedagog"], person=guardian, user=user)

    def _scale_batch(self, batch):
        # Seeded per batch: a batch holds the same names whichever run makes it.
        self.fake.seed_instance(SEED + 1 + batch)
        self.random = random.Random(SEED + 1 + batch)
        units = [
            ServiceUnit.objects.create(
                name=f"{name} – skala {batch}", kind=self.units[name].kind, contact=self.units[name].contact
            )
            for name in SCALE_UNITS
        ]
        group, _ = Group.objects.get_or_create(name=f"Ressursteam: skala {batch}")
        team = Ressursteam.objects.create(name=scale_team_name(batch), group=group)
        team.units.set([self.units[name] for name in SCALE_TEAM_SERVICES])
        team.covers.set(units)
        staff = [self._scale_user(f"s{batch}-staff{n}", roles.UNIT_STAFF, unit) for n, unit in enumerate(units)]
        member = self._scale_user(f"s{batch}-rt", roles.RESSURSTEAM_MEMBER, self.units["PPT"])
        team_workflow.add_team_member(actor=self.users["admin"], team=team, user=member)
        familieloser = [
            self._scale_user(f"s{batch}-los{n}", roles.FAMILIELOS, self.units["Familielos-tenesta"]) for n in range(8)
        ]
        count = 0
        for level, families in SCALE_VOLUMES.items():
            for _ in range(families):
                opener, unit = staff[count % len(staff)], units[count % len(units)]
                self._family_at(
                    level, opener=opener, unit=unit, familielos=familieloser[count % len(familieloser)], decider=member
                )
                count += 1

    def _scale_user(self, username, role, unit):
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))
            Membership.objects.create(user=user, unit=unit)
        return user

    def _family_at(self, target, *, opener, unit, familielos, decider=None):
        """A family whose case is walked through the workflow up to the target level (or closed), referred to the
        ressursteam that covers its unit, its child of an age that unit has."""
        last_name = self.fake.last_name()
        guardians = [
            {"first_name": self.fake.first_name_female(), "last_name": last_name},
            {"first_name": self.fake.first_name_male(), "last_name": last_name},
        ]
        age = self.random.randint(*AGES[unit.kind])
        born = timezone.localdate() - timedelta(days=365 * age + self.random.randint(0, 364))
        case = actions.register_family(
            actor=opener,
            family_name=f"Familien {last_name}",
            child={"first_name": self.fake.first_name(), "last_name": last_name, "birth_date": born},
            guardians=guardians,
            reason=self.random.choice(
                [
                    "Barnet trekkjer seg frå leik og verkar lei seg over tid.",
                    "Høgt fråvær sidan hausten, og foreldra er vanskelege å nå.",
                    "Språket er forseinka for alderen, og barnet blir lett frustrert.",
                    "Uro og konfliktar i friminutta, fleire episodar kvar veke.",
                ]
            ),
            unit=unit,
        )
        if target == "closed":
            workflow.close_case(
                actor=opener, case=case, reason="Tiltak i barnehagen har hjelpt; vi held fram å observere."
            )
            return case
        if target >= Level.AVKLARING:
            workflow.move_to_avklaring(actor=opener, case=case, reason="Foreldra er inviterte til avklaringssamtale.")
        if target >= Level.RESSURSTEAM:
            team = ressursteam_for_unit(unit)
            guardian = case.family.persons.filter(parental_responsibility=True).first()
            # Consent covers every service that gains access: the team's, and the familielos's at level 3.
            services = list(team.units.all())
            if target >= Level.FAMILIELOS:
                services += workflow.familielos_units(familielos)
            actions.record_consent(
                actor=opener,
                family=case.family,
                given_by=guardian,
                decision=ConsentDecision.GIVEN,
                units=services,
                valid_from=timezone.localdate() - timedelta(days=30),
                valid_to=timezone.localdate() + timedelta(days=335),
            )
            workflow.refer_to_ressursteam(
                actor=opener,
                case=case,
                team=team,
                reason="Tiltak på arenaen er prøvde; foreldra ønskjer meir hjelp.",
            )
        if target >= Level.FAMILIELOS:
            member = decider or team.members.first().user
            workflow.assign_familielos(
                actor=member,
                case=case,
                familielos=familielos,
                reason="Fleire tenester er inne; familien treng ein los.",
            )
        return case
