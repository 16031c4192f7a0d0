"""Demo data: a municipality with units, teams, users for every role and families at every BTI level.

Every case, referral, meeting and decision is made through the cases and teams workflow functions, as a user would make
it: what the system writes in a case's history is coded and worded in the reader's language; what people type (a
concern, a question to the team, a decision's reasons) is typed in Nynorsk, as Øygarden writes. Each ressursteam met two
weeks ago (minutes with a decision of each kind, the familieloser it appointed) and has a meeting with four waiting
referrals on its agenda: an urgent one, an anonymous discussion case, one answered after the team's question, and a
normal one; Ressursteam nord's is under way (begun when the data was made), Ressursteam sør's is next week. Each demo
familielos follows two families at level 3: one whose familieteam (a staff member of the referring unit and a trusted
person) met twelve and five days ago, canvases filled and the first one evaluated, action points done and overdue, and
meets again today; and one whose first meeting is still to book. The first such family of `los1` has the family's own
logins (a guardian and a child of 17, on the family's pages), and each level has a family whose Stafettlogg holds every
kind of entry. Reminders are due today: measures to evaluate, a baton handover waiting, consents that run out within the
month, and action points due.

Idempotent: running it again adds nothing. `--scale N` adds N times Øygarden's volumes (DOMAIN.md) for benchmarks,
one batch per multiple; each batch is made in one transaction, so a batch whose team exists is whole, and a second
run adds only the batches still missing. A batch's level-3 families each have a familieteam with a staff member, a
held meeting with a filled canvas and action points, and the next meeting planned.
"""

import random
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from faker import Faker

from cases import access, actions, baton, workflow
from cases.models import (
    ActionStatus,
    Avklaringssamtale,
    Baton,
    Case,
    ConsentDecision,
    Family,
    Handover,
    HandoverStatus,
    LetterTemplate,
    Level,
    LevelChange,
    OwnerKind,
    Person,
    PersonRole,
    Status,
)
from familielos import roles
from familielos.models import Membership, ServiceKind, ServiceUnit
from familieteam import workflow as familieteam_workflow
from familieteam.models import (
    Column,
    EvaluationResult,
    Familieteam,
    FamilieteamMeeting,
    Frequency,
    LifeArea,
    MemberKind,
)
from familieteam.plan import add_months
from reminders import due
from screening import workflow as screening_workflow
from stafettlogg import workflow as log_workflow
from stafettlogg.models import Entry, Kind
from stafettlogg.models import Outcome as MeasureOutcome
from stafettlogg.models import Visibility as LogVisibility
from teams import workflow as team_workflow
from teams.models import Meeting, Outcome, Referral, Ressursteam, TeamRole, Urgency
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
# username, first name, last name, role, unit, ressursteam and role in it
USERS = [
    ("admin", "Ada", "Administrator", roles.ADMINISTRATOR, None, None),
    ("leder", "Liv", "Leiarsen", roles.LEADER, None, None),
    ("pedagog", "Per", "Pedersen", roles.UNIT_STAFF, "Solbakken barnehage", None),
    ("laerer", "Lise", "Lærer", roles.UNIT_STAFF, "Vestbygd skule", None),
    ("helsesykepleier", "Hanne", "Helland", roles.UNIT_STAFF, "Helsestasjonen", None),
    ("rt-nord", "Nora", "Nordli", roles.RESSURSTEAM_MEMBER, "PPT", ("Ressursteam nord", TeamRole.LEADER)),
    (
        "rt-nord-sekretar",
        "Silje",
        "Sekkingstad",
        roles.RESSURSTEAM_MEMBER,
        "Helsestasjonen",
        ("Ressursteam nord", TeamRole.SECRETARY),
    ),
    (
        "rt-nord-medlem",
        "Mats",
        "Myking",
        roles.RESSURSTEAM_MEMBER,
        "Barnevernstenesta",
        ("Ressursteam nord", TeamRole.MEMBER),
    ),
    (
        "rt-sor",
        "Sindre",
        "Sørheim",
        roles.RESSURSTEAM_MEMBER,
        "Psykisk helse barn og unge",
        ("Ressursteam sør", TeamRole.LEADER),
    ),
    (
        "rt-sor-sekretar",
        "Solveig",
        "Sandvik",
        roles.RESSURSTEAM_MEMBER,
        "Øygarden ungdomsskule",
        ("Ressursteam sør", TeamRole.SECRETARY),
    ),
    (
        "rt-sor-medlem",
        "Magnus",
        "Mongstad",
        roles.RESSURSTEAM_MEMBER,
        "NAV Øygarden",
        ("Ressursteam sør", TeamRole.MEMBER),
    ),
    ("los1", "Frida", "Losvik", roles.FAMILIELOS, "Familielos-tenesta", None),
    ("los2", "Geir", "Fjeldstad", roles.FAMILIELOS, "Familielos-tenesta", None),
    ("los3", "Marte", "Brekke", roles.FAMILIELOS, "Familielos-tenesta", None),
    ("forsker", "Rune", "Forsk", roles.RESEARCHER, None, None),
]
# Families at levels 0 and 1 and one closed, opened in turn by the kindergarten teacher, the teacher and the health
# nurse; the families at levels 2 and 3 come from the teams' meetings (MEETINGS).
DEMO_LEVELS = [0, 0, 0, 1, 1, 1, "closed"]
# Each team's meetings: the referrals decided at the one two weeks ago (sender, outcome, the familielos appointed and
# whether the guardians had consented to the Familielos service; the team asked one sender a question, answered
# since), and those sent after it, on the agenda of the next meeting (sender, urgency, named or anonymous).
MEETINGS = {
    "Ressursteam nord": {
        "past": [
            ("pedagog", Outcome.ARENA, None, False),
            ("helsesykepleier", Outcome.FAMILIELOS, "los1", True),
            ("pedagog", Outcome.FAMILIELOS, "los3", True),
            ("helsesykepleier", Outcome.NO_ACTION, None, False),
            ("pedagog", Outcome.MORE_INFO, None, False),
            ("pedagog", Outcome.FAMILIELOS, "los1", True),
        ],
        "coming": [
            ("helsesykepleier", Urgency.URGENT, True),
            ("pedagog", Urgency.NORMAL, False),
            ("pedagog", Urgency.NORMAL, True),
        ],
        # The meeting is under way: it began an hour before the data was made (at midnight if that was earlier that
        # day), so its board takes decisions at once (a team decides only once its meeting has begun).
        "meets": "today",
    },
    "Ressursteam sør": {
        "past": [
            ("laerer", Outcome.ARENA, None, False),
            ("laerer", Outcome.FAMILIELOS, "los2", True),
            # Decided before the guardians consented to the Familielos service: a decision still to carry out.
            ("laerer", Outcome.FAMILIELOS, "los3", False),
            ("laerer", Outcome.NO_ACTION, None, False),
            ("laerer", Outcome.MORE_INFO, None, False),
            ("laerer", Outcome.FAMILIELOS, "los2", True),
            ("laerer", Outcome.FAMILIELOS, "los3", True),
        ],
        "coming": [
            ("laerer", Urgency.URGENT, True),
            ("laerer", Urgency.NORMAL, False),
            ("laerer", Urgency.NORMAL, True),
        ],
    },
}
# What the referring unit and the team typed, in Nynorsk as Øygarden writes.
CONCERNS = [
    "Barnet trekkjer seg frå leik og verkar lei seg over tid.",
    "Høgt fråvær sidan hausten, og foreldra er vanskelege å nå.",
    "Språket er forseinka for alderen, og barnet blir lett frustrert.",
    "Uro og konfliktar i friminutta, fleire episodar kvar veke.",
]
REFERRAL_TEXTS = [
    {
        "question": "Kva meir kan vi gjere, og treng familien hjelp frå fleire tenester?",
        "tried": "Fast vaksen i overgangar og tett kontakt med heimen i tre månader.",
        "child_view": "Seier at det er vanskeleg å vere med dei andre.",
        "guardian_view": "Foreldra ønskjer hjelp og vil gjerne møte teamet.",
    },
    {
        "question": "Bør PPT eller psykisk helse inn, eller held det med tiltak hos oss?",
        "tried": "Tilpassa opplegg og samtalar med helsesjukepleiar sidan hausten.",
        "child_view": "Vil helst vere i fred, men likar å teikne.",
        "guardian_view": "Mor er bekymra; far meiner det går over.",
    },
]
ANONYMOUS_TEXT = {
    "question": "Eit barn har mykje fråvær og verkar redd for å gå heim. Foreldra vil ikkje samtykkje til deling. "
    "Kva bør vi gjere vidare?",
    "tried": "Samtalar med barnet og eitt møte med foreldra.",
}
DECISION_TEXTS = {
    Outcome.ARENA: {
        "reasons": "Tiltaka på arenaen har ikkje fått verke lenge nok; PPT rettleier personalet.",
        "recommendations": "Fast vaksen i overgangar, og kort samtale med foreldra kvar veke.",
    },
    Outcome.FAMILIELOS: {"reasons": "Fleire tenester er inne utan at det hjelper; familien ønskjer ein fast los."},
    Outcome.NO_ACTION: {"reasons": "Situasjonen er betre etter samtalen med foreldra; eininga følgjer med vidare."},
    Outcome.MORE_INFO: {
        "reasons": "Teamet treng å vite meir om fråværet før det kan avgjere.",
        "question": "Kor lenge har fråværet vart, og kva seier helsesjukepleiaren?",
    },
}
ANSWER = "Fråværet har vart sidan august. Helsesjukepleiaren har hatt to samtalar og rår til vidare hjelp."
# Øygarden, per municipality: families with a concern at each level at one time (DOMAIN.md volumes).
SCALE_VOLUMES = {Level.UNDRING: 400, Level.AVKLARING: 210, Level.RESSURSTEAM: 40, Level.FAMILIELOS: 50}
# A scale batch's next meeting has this many of its waiting referrals on the agenda (the triage board in the bench).
SCALE_AGENDA = 8
SEED = 2019
# A scale batch is a district of its own: copies of the demo's kindergartens and schools, a team covering them
# with these services, its staff and familieloser.
SCALE_UNITS = ["Solbakken barnehage", "Havbris barnehage", "Vestbygd skule", "Øygarden ungdomsskule"]
SCALE_TEAM_SERVICES = ["Helsestasjonen", "PPT", "Barnevernstenesta", "Psykisk helse barn og unge"]

# Level 3 (familieteam). The demo familieloser; the first of each one's level-3 families has a familieteam that met
# twice (days from today) and meets again today, at the hour given; the trusted person each family chose.
FAMILIELOSER = ["los1", "los2", "los3"]
FAMILIETEAM_MEETINGS = (-12, -5)
TODAY_HOURS = {"los1": 9, "los2": 12, "los3": 14}
TRUSTED = {
    "los1": ("Ingrid Vik", "Mormor", "917 23 456"),
    "los2": ("Ola Nilsen", "Fotballtrenar", "482 11 920"),
    "los3": ("Kari Sæle", "Nabo", "936 40 118"),
}
# What the referring unit's representative takes on in the team, by the kind of unit.
MANDATES = {
    ServiceKind.BARNEHAGE: "Følgje opp tiltaka i barnehagen og rettleie personalet.",
    ServiceKind.HELSESTASJON: "Helsesamtalar med barnet og rettleiing til foreldra.",
    ServiceKind.SKOLE: "Tilrettelegging på skulen og fast kontakt med heimen.",
    ServiceKind.PPT: "Kartleggje behova og rettleie barnehagen eller skulen.",
    ServiceKind.BARNEVERN: "Råd og rettleiing til foreldra i kvardagen.",
    ServiceKind.PSYKISK_HELSE: "Samtalar med barnet og rettleiing til foreldra.",
}
PLACES = ["Heime hos familien", "Familielos-tenesta, Straume"]
# Samtaleduk 2 as the family and the team filled it in at the first meeting, one row per life area (in the
# municipality's order); a goal is (text, days from the meeting to its date). {child} is the child's first name,
# {arena} where the child spends the day ("i barnehagen", "på skulen").
FIRST_CANVAS = [
    {
        Column.WORKS: "{child} likar å teikne og roar seg med musikk.",
        Column.HARD: "{child} søv dårleg og har vondt i magen om morgonen.",
        Column.IMPORTANT: "At {child} kjenner seg trygg og blir høyrd.",
        Column.SITUATION: "{child} er heime fleire morgonar i månaden og blir fort sliten.",
        Column.NOW: "Fast kveldsrutine, og samtale med helsesjukepleiaren annakvar veke.",
        Column.SHORT_GOAL: ("{child} søv før klokka ni fire kveldar i veka.", 30),
        Column.LONG_GOAL: ("{child} trivst {arena}.", 180),
        Column.DREAM: "… ein kvardag utan uro i magen.",
        Column.HELPERS: "Helsesjukepleiaren, mormor",
    },
    {
        Column.WORKS: "God kontakt med fastlegen.",
        Column.HARD: "Fleire timar hos tannlegen er avlyste.",
        Column.SITUATION: "Tre hol som ventar på behandling.",
        Column.NOW: "Mor bestiller ny time hos tannlegen.",
        Column.SHORT_GOAL: ("Tannlegetimen er halden.", 21),
    },
    {
        Column.WORKS: "God relasjon til ein fast vaksen {arena}.",
        Column.HARD: "Overgangar og friminutt er vanskelege.",
        Column.IMPORTANT: "Ein fast vaksen å gå til når det blir for mykje.",
        Column.SITUATION: "Fem dagar fråvær utan avtale sidan jul.",
        Column.NOW: "Fast vaksen i overgangane; kort melding heim kvar fredag.",
        Column.SHORT_GOAL: ("Ikkje noko fråvær utan avtale i fire veker.", 28),
        Column.HELPERS: "Kontaktperson {arena}, PPT",
    },
    {
        Column.WORKS: "{child} likar fotball.",
        Column.HARD: "Treninga kostar pengar, og ingen kan køyre.",
        Column.IMPORTANT: "Å vere med venner etter skuletid.",
        Column.NOW: "Søkje om fritidskort; trenaren hentar på tysdagar.",
        Column.LONG_GOAL: ("{child} er med på fotball kvar veke.", 120),
        Column.DREAM: "… å spele kamp saman med laget.",
    },
    {
        Column.WORKS: "Middag saman fleire dagar i veka.",
        Column.HARD: "Morgonane er kaotiske, og det blir ofte krangel.",
        Column.IMPORTANT: "Rolege morgonar.",
        Column.NOW: "Teikneplan for morgonen på kjøleskapet.",
        Column.SHORT_GOAL: ("Fire rolege morgonar i veka.", 30),
    },
    {
        Column.HARD: "Far er sjukmeld, og økonomien er stram.",
        Column.SITUATION: "Familien har fått husleigestøtte; straumrekninga er etter.",
        Column.NOW: "Time hos NAV-rettleiar om økonomi og arbeid.",
        Column.LONG_GOAL: ("Far er tilbake i arbeid, heilt eller delvis.", 240),
        Column.HELPERS: "NAV-rettleiar",
    },
]
# What changed at the second meeting: (life area row, column) → the new text.
SECOND_CANVAS = {
    (0, Column.NOW): "Kveldsrutinen held fram; {child} har starta samtalar hos psykisk helse barn og unge.",
    (2, Column.HARD): "Friminutta går betre; overgangane er framleis vanskelege.",
    (3, Column.WORKS): "{child} har vore med på tre treningar.",
    (4, Column.NOW): "Morgonplanen held fram; far tek morgonane to dagar i veka.",
}
# The second meeting's evaluation of the first meeting's goals and actions, in turn.
EVALUATIONS = [
    (EvaluationResult.DONE, "Gjennomført som avtalt."),
    (EvaluationResult.PARTLY, "Godt i gang, men ikkje heilt i mål."),
    (EvaluationResult.NOT_DONE, "Ikkje starta; vi prøver på nytt."),
    (EvaluationResult.CHANGED, "Endra: vi vel ei anna løysing."),
]
# Action points set in each meeting (0 the first, 1 the second): owner (the staff member, the familielos, a
# guardian, the trusted person), what, due in days from today, whether it is done by now, and the canvas cell
# (life area row, column) it was set from.
ACTION_POINTS = [
    (0, "staff", "Melde behov for fast vaksen i overgangane til leiinga", -7, True, (2, Column.NOW)),
    (0, "guardian", "Bestille ny time hos tannlegen", -8, False, (1, Column.NOW)),
    (0, "trusted", "Køyre til fotballtreninga på tysdagar", -5, True, None),
    (0, "los", "Sende søknad om fritidskort saman med mor", -6, False, (3, Column.NOW)),
    (1, "staff", "Sende kort melding heim kvar fredag", 2, False, None),
    (1, "los", "Avtale time hos NAV-rettleiar for far", 5, False, (5, Column.NOW)),
    (1, "guardian", "Lage morgonplan saman med barna", -1, False, (4, Column.NOW)),
    (1, "trusted", "Bli med på foreldremøtet", 14, False, None),
    (1, "guardian", "Skrive ned kor mange kveldar kveldsrutinen held", 4, False, (0, Column.NOW)),
    (1, "los", "Sende samandrag frå møtet til alle i teamet", 0, False, None),
    (1, "staff", "Ringje foreldra og høyre korleis veka har gått", 0, False, None),
]
# A scale batch's familieteams: one held meeting ten days ago with these of its action points, the next in a week
# or two.
SCALE_ACTION_POINTS = [
    (0, "staff", "Melde behov for fast vaksen i overgangane til leiinga", -3, False, (2, Column.NOW)),
    (0, "los", "Sende søknad om fritidskort saman med mor", 3, False, (3, Column.NOW)),
    (0, "guardian", "Bestille ny time hos tannlegen", 20, False, None),
    (0, "trusted", "Køyre til fotballtreninga på tysdagar", -2, True, None),
]

# The Stafettlogg of one family at each level, as the people working with it wrote it: at levels 0–2 the first family
# the kindergarten teacher (`pedagog`) opened, at level 3 the family with the portal logins (FAMILY_LOGINS). Each row
# is (author, kind, readers, text, fields): the author is the case's "opener", its "los" or its familieteam's staff
# "member"; a measure's fields are who is responsible, the life area, and its start and evaluation date in days from
# today; an evaluation evaluates the measure before it. At level 0 the guardians have not been told yet, so all of it
# is for the team. Each level's last measure is not evaluated yet: due yesterday, today or in ten days (a reminder).
FOR_TEAM, FOR_FAMILY = LogVisibility.TEAM, LogVisibility.TEAM_AND_FAMILY
LOGS = {
    Level.UNDRING: [
        ("opener", Kind.NOTE, FOR_TEAM, "Har sett {child} i tre veker: et lite, søv mykje og leikar helst åleine.", {}),
        (
            "opener",
            Kind.MEASURE,
            FOR_TEAM,
            "Same vaksne ved måltid og kvil kvar dag.",
            {"responsible": "Pedagogisk leiar", "life_area": "Skole/barnehage", "starts": -28, "evaluate": -7},
        ),
        (
            "opener",
            Kind.EVALUATION,
            FOR_TEAM,
            "{child} et betre når den same vaksne sit ved bordet, men kviler framleis uroleg.",
            {"outcome": MeasureOutcome.PARTLY, "next_steps": "Halde fram to veker, så invitere foreldra til samtale."},
        ),
        (
            "opener",
            Kind.MEASURE,
            FOR_TEAM,
            "Kort notat om søvn og måltid kvar dag i to veker.",
            {"responsible": "Pedagogisk leiar", "life_area": "Helse", "starts": -15, "evaluate": -1},
        ),
        ("opener", Kind.MESSAGE, FOR_TEAM, "Kan vi ta opp {child} på personalmøtet torsdag?", {}),
        ("opener", Kind.LYSGLIMT, FOR_TEAM, "{child} song med i samlingsstunda for første gong i dag.", {}),
    ],
    Level.AVKLARING: [
        ("opener", Kind.NOTE, FOR_TEAM, "Ringde mor for å avtale samtalen; ho var glad for at vi tok kontakt.", {}),
        (
            "opener",
            Kind.MEASURE,
            FOR_FAMILY,
            "Fast vaksen i overgangane frå leik til måltid.",
            {"responsible": "Pedagogisk leiar", "life_area": "Skole/barnehage", "starts": -30, "evaluate": -2},
        ),
        (
            "opener",
            Kind.EVALUATION,
            FOR_FAMILY,
            "Overgangane går betre dei fleste dagane; fredagane er framleis vanskelege.",
            {"outcome": MeasureOutcome.PARTLY, "next_steps": "Halde fram ein månad til."},
        ),
        (
            "opener",
            Kind.MEASURE,
            FOR_FAMILY,
            "Bildekort for dagsrytmen, heime og i barnehagen.",
            {"responsible": "Foreldra og barnehagen", "life_area": "Hjem og hverdag", "starts": -21, "evaluate": 0},
        ),
        ("opener", Kind.MESSAGE, FOR_FAMILY, "Velkomne til samtale i barnehagen. Ta gjerne med det de lurer på.", {}),
        ("opener", Kind.LYSGLIMT, FOR_FAMILY, "{child} viste stolt fram teikninga si til heile avdelinga.", {}),
    ],
    Level.RESSURSTEAM: [
        ("opener", Kind.NOTE, FOR_TEAM, "Snakka med PPT om kva ressursteamet treng å vite før møtet.", {}),
        (
            "opener",
            Kind.MEASURE,
            FOR_FAMILY,
            "Rettleiing frå PPT til personalet kvar fjortande dag.",
            {"responsible": "PPT", "life_area": "Skole/barnehage", "starts": -30, "evaluate": -3},
        ),
        (
            "opener",
            Kind.EVALUATION,
            FOR_FAMILY,
            "Personalet har fått gode grep, og {child} er meir med i leiken.",
            {"outcome": MeasureOutcome.WELL, "next_steps": "Avslutte rettleiinga etter møtet i ressursteamet."},
        ),
        (
            "opener",
            Kind.MEASURE,
            FOR_FAMILY,
            "Foreldrekurs på helsestasjonen, fire kveldar.",
            {"responsible": "Helsestasjonen", "life_area": "Hjem og hverdag", "starts": -10, "evaluate": 10},
        ),
        ("opener", Kind.MESSAGE, FOR_FAMILY, "Saka dykkar er på møtet i ressursteamet. Vi ringjer dykk etterpå.", {}),
        ("opener", Kind.LYSGLIMT, FOR_FAMILY, "{child} hadde ein fin dag på tur til fjæra med avdelinga.", {}),
    ],
    Level.FAMILIELOS: [
        ("los", Kind.NOTE, FOR_TEAM, "Førebudde møtet med helsesjukepleiaren; vi tek opp søvn og morgonar.", {}),
        ("los", Kind.NOTE, FOR_FAMILY, "Morgonplanen er i bruk, og far tek morgonane to dagar i veka.", {}),
        (
            "los",
            Kind.MEASURE,
            FOR_FAMILY,
            "Samtalar hos psykisk helse barn og unge kvar veke.",
            {"responsible": "Psykisk helse barn og unge", "life_area": "Psykisk helse", "starts": -21, "evaluate": -3},
        ),
        (
            "los",
            Kind.EVALUATION,
            FOR_FAMILY,
            "{child} gler seg til samtalane og søv betre.",
            {"outcome": MeasureOutcome.WELL, "next_steps": "Halde fram med samtalane i to månader til."},
        ),
        (
            "los",
            Kind.MEASURE,
            FOR_FAMILY,
            "Fast kveldsrutine med leggjetid klokka åtte.",
            {"responsible": "Foreldra", "life_area": "Hjem og hverdag", "starts": -12, "evaluate": 0},
        ),
        ("los", Kind.MESSAGE, FOR_FAMILY, "Vel møtt til møtet heime hos dykk i dag.", {}),
        ("member", Kind.MESSAGE, FOR_TEAM, "Fastlegen har sendt nye opplysningar; vi tek dei i teamet først.", {}),
        ("member", Kind.LYSGLIMT, FOR_FAMILY, "{child} song for meg heile helsesamtalen.", {}),
    ],
}
# The family's own logins (the portal), on the family at level 3 above: a guardian who owns action points, and the
# family's eldest child, who is 17 (added to the family). Both sign in with a one-time link sent to their address
# (on the console in the demo), or with the demo password.
FAMILY_LOGINS = {"forelder": "forelder@example.no", "ungdom": "ungdom@example.no"}
YOUTH_NAME, YOUTH_AGE = "Jonas", 17
# What the family wrote on their own pages: (login, kind, text).
FAMILY_POSTS = [
    ("forelder", Kind.LYSGLIMT, "{child} sovna før klokka ni fire kveldar på rad!"),
    ("forelder", Kind.MESSAGE, "Takk for sist. Kan neste møte vere etter klokka 15? Då kan far vere med."),
    ("ungdom", Kind.MESSAGE, "Eg vil gjerne vere med på neste møte, om det går."),
]
# Consents that run out within the month (a reminder): the guardians agreed to share with one more service for a
# while. (who recorded it, whose family: the level in LOGS, the service, days left)
EXPIRING_CONSENTS = [
    ("los1", Level.FAMILIELOS, "NAV Øygarden", 21),
    ("pedagog", Level.RESSURSTEAM, "Fastlegekontoret Straume", 12),
]


def scale_team_name(batch: int) -> str:
    """The ressursteam of one scale batch; it is made in the batch's transaction, so it marks a finished batch."""
    return f"Ressursteam skala {batch}"


def _under_way():
    """A meeting under way: begun an hour ago, or at midnight if that was later (the meeting stays today's)."""
    an_hour_ago = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    return max(an_hour_ago, midnight)


def _day(offset: int, hour: int = 9):
    """A moment `offset` days from today (before it when negative), on the hour in local time."""
    return (timezone.localtime() + timedelta(days=offset)).replace(hour=hour, minute=0, second=0, microsecond=0)


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
        started = timezone.now()
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
            # Apart from the families: a demo seeded before the teams met gets their meetings on the next run.
            if not Meeting.objects.filter(team__in=self.teams.values()).exists():
                for name, team in self.teams.items():
                    self._demo_meetings(team, **MEETINGS[name])
            # Apart from the meetings too: a demo seeded before level 3 had familieteams gets them on the next run.
            if not FamilieteamMeeting.objects.filter(team__case__familielos__username__in=FAMILIELOSER).exists():
                self._demo_familieteams()
            self._family_logins()
            self._demo_handover()
            self._demo_log()
            self._family_posts()
            self._expiring_consents()
            self._date_the_history(since=started)
        for batch in range(scale):
            if Ressursteam.objects.filter(name=scale_team_name(batch)).exists():
                self.stdout.write(f"Scale batch {batch + 1}/{scale} is already in place.")
                continue
            with transaction.atomic():
                batch_started = timezone.now()
                self._scale_batch(batch)
                self._date_the_history(since=batch_started)
            self.stdout.write(f"Scale batch {batch + 1}/{scale} done.")
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
        self.stdout.write(f"Demo logins (password «{DEMO_PASSWORD}» for all):")
        for username, _first, _last, role, unit, team in USERS:
            where = ", ".join(filter(None, [unit, team and f"{team[0]} ({TeamRole(team[1]).label})"]))
            self.stdout.write(f"  {username:<16} {roles.LABELS[role]}{' – ' + where if where else ''}")
        for username in FAMILY_LOGINS:
            person = Person.objects.select_related("family").get(user__username=username)
            member = f"{roles.LABELS[roles.FAMILY_MEMBER]} – {PersonRole(person.role).label}, {person.family.name}"
            self.stdout.write(f"  {username:<16} {member}")
        self.stdout.write(
            f"The family logins ({', '.join(FAMILY_LOGINS)}) sign in on /min-familie/logg-inn/ with a one-time link "
            "printed on this console (or with the password on /logg-inn/, in the demo)."
        )

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
                team_name, team_role = team
                team_workflow.add_team_member(
                    actor=users["admin"], team=self.teams[team_name], user=user, role=team_role
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
            self._family_at(target, opener=opener, unit=unit)

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
            case = self._family_at(Level.UNDRING, opener=teacher, unit=school)
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
        case = self._family_at(Level.UNDRING, opener=teacher, unit=school)
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

    def _demo_meetings(self, team, *, past, coming, meets="next week"):
        """The team's meeting two weeks ago with a decision of each kind, then the referrals sent since and the
        meeting that proposes them, next week or under way today; the secretary plans both and records the
        decisions."""
        secretary = team.members.get(role=TeamRole.SECRETARY).user
        referrals = []
        for index, (sender, _outcome, familielos, consented) in enumerate(past):
            consented_to = self.users[familielos] if consented else None
            referrals.append(self._referred(self.users[sender], sent=-30 + index, familielos=consented_to))
        meeting = team_workflow.create_meeting(
            actor=secretary, team=team, starts_at=_day(-14, hour=13), place="Rådhuset, møterom 3"
        )
        # One team's follow-up is due within the week: a decision to carry out on the start page.
        follow_up = timezone.localdate() + timedelta(days=4 if team.name == "Ressursteam nord" else 28)
        for referral, (_sender, outcome, familielos, _consented) in zip(referrals, past, strict=True):
            fields = dict(DECISION_TEXTS[outcome])
            if outcome == Outcome.ARENA:
                fields["follow_up"] = follow_up
            if outcome == Outcome.FAMILIELOS:
                fields["familielos"] = self.users[familielos]
            item = meeting.items.get(referral=referral)
            team_workflow.decide(actor=secretary, item=item, outcome=outcome, **fields)
            if outcome == Outcome.MORE_INFO:
                team_workflow.answer_referral(actor=referral.sender, referral=referral, answer=ANSWER)
        for (sender, urgency, named), sent in zip(coming, (-2, -6, -11), strict=True):
            if named:
                self._referred(self.users[sender], sent=sent, urgency=urgency)
            else:
                self._anonymous(self.users[sender], sent=sent)
        starts_at = _under_way() if meets == "today" else _day(7, hour=13)
        team_workflow.create_meeting(actor=secretary, team=team, starts_at=starts_at, place="Rådhuset, møterom 3")

    def _demo_familieteams(self):
        """Each demo familielos's level-3 families, started when the ressursteam decided two weeks ago: the first
        one's familieteam met twice and meets today; the others wait for their first meeting (a to-do on the desk)."""
        for username in FAMILIELOSER:
            los = self.users[username]
            teams = list(
                Familieteam.objects.filter(case__familielos=los, case__status="open", case__level=Level.FAMILIELOS)
                .select_related("case__family", "case__opened_by", "case__opened_unit")
                .order_by("case_id")
            )
            for team in teams:
                self._started(los, team)
            if teams:
                self._familieteam_meetings(los, teams[0], username)

    def _started(self, los, team):
        """Level 3 as started on the day the ressursteam decided, planned for nine months with monthly meetings."""
        started_on = _day(-14).date()
        # Demo data only: the workflow starts level 3 on the day the familielos is confirmed, today here.
        Familieteam.objects.filter(pk=team.pk).update(started_on=started_on)
        team.started_on = started_on
        familieteam_workflow.set_plan(
            actor=los, team=team, planned_end=add_months(started_on, 9), frequency=Frequency.MONTHLY
        )

    def _familieteam_meetings(self, los, team, username):
        """The referring unit's staff member and a trusted person join; the first meeting fills the canvas and sets
        action points; the second evaluates it, changes a few cells and sets more; the third is today."""
        case = team.case
        staff, unit = case.opened_by, case.opened_unit
        member = familieteam_workflow.add_service_member(
            actor=los, team=team, user=staff, unit=unit, mandate=MANDATES[unit.kind]
        )
        name, relation, contact = TRUSTED[username]
        trusted = familieteam_workflow.add_trusted_person(
            actor=los, team=team, name=name, relation=relation, contact=contact
        )
        members = [member, trusted]
        owners = self._owners(case, los, staff, trusted)
        words = self._canvas_words(case, unit)
        first_day, second_day = FAMILIETEAM_MEETINGS
        first = familieteam_workflow.plan_meeting(
            actor=los, team=team, starts_at=_day(first_day, hour=10), place=PLACES[0], invited=members
        )
        self._fill_canvas(los, first, words)
        self._set_action_points(los, first, ACTION_POINTS, 0, owners)
        family_present = f"Mor, far og {words['child']}"
        second = familieteam_workflow.finish_meeting(
            actor=los,
            meeting=first,
            present=members,
            family_present=family_present,
            next_starts_at=_day(second_day, hour=10),
            next_place=PLACES[1],
        )
        for n, cell in enumerate(
            first.cells.filter(column__in=[Column.NOW, Column.SHORT_GOAL, Column.LONG_GOAL]).order_by(
                "life_area__position", "column"
            )
        ):
            result, comment = EVALUATIONS[n % len(EVALUATIONS)]
            familieteam_workflow.evaluate(actor=los, meeting=second, cell=cell, result=result, comment=comment)
        cells = self._cells(second)
        for (row, column), text in SECOND_CANVAS.items():
            cell = cells[row, column]
            familieteam_workflow.save_cell(
                actor=staff,
                meeting=second,
                life_area=cell.life_area,
                column=column,
                text=text.format(**words),
                due=cell.due,
                base_version=cell.version,
            )
        self._set_action_points(los, second, ACTION_POINTS, 1, owners)
        familieteam_workflow.finish_meeting(
            actor=los,
            meeting=second,
            present=[member],
            family_present=f"Mor og {words['child']}",
            next_starts_at=_day(0, hour=TODAY_HOURS[username]),
            next_place=PLACES[0],
        )

    def _owners_guardian(self, case):
        """The guardian who owns the family's action points (and has the `forelder` login in the portal family)."""
        return case.family.persons.filter(role=PersonRole.GUARDIAN).order_by("pk").first()

    def _owners(self, case, los, staff, trusted):
        guardian = self._owners_guardian(case)
        return {
            "staff": familieteam_workflow.Owner(OwnerKind.STAFF, user_id=staff.pk),
            "los": familieteam_workflow.Owner(OwnerKind.STAFF, user_id=los.pk),
            "guardian": familieteam_workflow.Owner(OwnerKind.GUARDIAN, person_id=guardian.pk),
            "trusted": familieteam_workflow.Owner(OwnerKind.TRUSTED, member_id=trusted.pk),
        }

    def _canvas_words(self, case, unit):
        child = case.children.order_by("pk").first()
        young = unit.kind in (ServiceKind.BARNEHAGE, ServiceKind.HELSESTASJON)
        return {"child": child.first_name, "arena": "i barnehagen" if young else "på skulen"}

    def _fill_canvas(self, actor, meeting, words):
        """The first meeting's canvas (FIRST_CANVAS), saved cell by cell as in the meeting."""
        day = timezone.localdate(meeting.starts_at)
        for area, row in zip(self._life_areas(), FIRST_CANVAS, strict=False):
            for column, value in row.items():
                text, days = value if isinstance(value, tuple) else (value, None)
                familieteam_workflow.save_cell(
                    actor=actor,
                    meeting=meeting,
                    life_area=area,
                    column=column,
                    text=text.format(**words),
                    due=day + timedelta(days=days) if days else None,
                    base_version=0,
                )

    def _life_areas(self):
        if not hasattr(self, "life_areas"):
            self.life_areas = list(LifeArea.objects.filter(active=True).order_by("position", "pk"))
        return self.life_areas

    def _cells(self, meeting):
        """The meeting's canvas cells by (life area row, column)."""
        rows = {area.pk: row for row, area in enumerate(self._life_areas())}
        return {
            (rows[cell.life_area_id], cell.column): cell
            for cell in meeting.cells.select_related("life_area")
            if cell.life_area_id in rows
        }

    def _set_action_points(self, los, meeting, points, index, owners):
        """The meeting's action points (those of `points` set in meeting `index`), the done ones ticked."""
        cells = self._cells(meeting)
        today = timezone.localdate()
        for set_in, owner, what, days, done, cell in points:
            if set_in != index:
                continue
            point = familieteam_workflow.set_action_point(
                actor=los,
                meeting=meeting,
                what=what,
                owner=owners[owner],
                due=today + timedelta(days=days),
                cell=cells.get(cell),
            )
            if done:
                familieteam_workflow.set_action_point_status(
                    actor=los, point=point, status=ActionStatus.DONE, comment="Gjort.", base_version=point.version
                )

    def _scale_familieteam(self, los, case, staff, unit, index):
        """A scale family's familieteam: a staff member of a service the consent covers and a trusted person, a
        meeting held ten days ago with a filled canvas and action points, and the next one planned."""
        team = Familieteam.objects.select_related("case__family").get(case=case)
        self._started(los, team)
        member = familieteam_workflow.add_service_member(
            actor=los, team=team, user=staff, unit=unit, mandate=MANDATES[unit.kind]
        )
        name, relation, contact = TRUSTED[FAMILIELOSER[index % len(FAMILIELOSER)]]
        trusted = familieteam_workflow.add_trusted_person(
            actor=los, team=team, name=name, relation=relation, contact=contact
        )
        held = familieteam_workflow.plan_meeting(
            actor=los, team=team, starts_at=_day(-10, hour=10), place=PLACES[0], invited=[member, trusted]
        )
        unit_of_child = case.opened_unit
        self._fill_canvas(los, held, self._canvas_words(case, unit_of_child))
        self._set_action_points(los, held, SCALE_ACTION_POINTS, 0, self._owners(case, los, staff, trusted))
        familieteam_workflow.finish_meeting(
            actor=los,
            meeting=held,
            present=[member, trusted],
            family_present="Mor og far",
            next_starts_at=_day(7 + index % 14, hour=10),
            next_place=PLACES[1],
        )

    def _anonymous(self, opener, *, sent):
        """A drøftingssak to the team covering the sender's unit: the guardians have not consented to sharing, so the
        team gets the text alone."""
        unit = opener.memberships.get().unit
        team = ressursteam_for_unit(unit)
        referral = team_workflow.create_referral(actor=opener, team=team, unit=unit, **ANONYMOUS_TEXT)
        referral = team_workflow.send_referral(actor=opener, referral=referral)
        # Demo data only: the workflow stamps the sending now; a realistic queue has waited some days.
        Referral.objects.filter(pk=referral.pk).update(sent_at=_day(sent), waiting_since=_day(sent))
        return referral

    def _demo_log(self):
        """Each level's family log (LOGS), written once per family."""
        today = timezone.localdate()
        for level, rows in LOGS.items():
            case = self._log_case(level)
            if case is None or Entry.objects.filter(family=case.family).exclude(kind=Kind.SYSTEM).exists():
                continue
            family, words = case.family, self._canvas_words(case, case.opened_unit)
            measure = None
            for author, kind, visibility, text, fields in rows:
                actor, text = self._log_author(case, author), text.format(**words)
                if kind == Kind.MEASURE:
                    measure = log_workflow.post_measure(
                        actor=actor,
                        family=family,
                        visibility=visibility,
                        text=text,
                        responsible=fields["responsible"],
                        starts_on=today + timedelta(days=fields["starts"]),
                        evaluate_by=today + timedelta(days=fields["evaluate"]),
                        life_area=LifeArea.objects.get(name_nb=fields["life_area"]),
                    )
                elif kind == Kind.EVALUATION:
                    log_workflow.evaluate_measure(
                        actor=actor, family=family, measure=measure, visibility=visibility, text=text, **fields
                    )
                else:
                    log_workflow.post_entry(actor=actor, family=family, kind=kind, visibility=visibility, text=text)

    def _log_case(self, level):
        """The open case whose family's log LOGS writes at `level`."""
        if level == Level.FAMILIELOS:
            return self._portal_case()
        cases = Case.objects.filter(status=Status.OPEN, level=level, opened_by=self.users["pedagog"])
        return cases.select_related("family", "opened_by", "opened_unit").order_by("pk").first()

    def _portal_case(self):
        """los1's first family at level 3: its familieteam met twice and meets today, so the family's own pages show a
        plan, meetings and action points."""
        cases = Case.objects.filter(status=Status.OPEN, level=Level.FAMILIELOS, familielos=self.users["los1"])
        return cases.select_related("family", "familielos", "opened_by", "opened_unit").order_by("pk").first()

    def _log_author(self, case, author):
        if author == "opener":
            return case.opened_by
        if author == "los":
            return case.familielos
        return case.familieteam.members.get(kind=MemberKind.SERVICE).user

    def _family_posts(self):
        """What the family wrote on their own pages (FAMILY_POSTS), once per login."""
        case = self._portal_case()
        words = self._canvas_words(case, case.opened_unit)
        for username, kind, text in FAMILY_POSTS:
            user = User.objects.get(username=username)
            if not Entry.objects.filter(author=user, kind=kind).exists():
                log_workflow.post_from_family(actor=user, kind=kind, text=text.format(**words))

    def _date_the_history(self, *, since):
        """Date the history of the cases made since `since` among what was seeded with them: each case opened two to
        six weeks before its first conversation, referral or familieteam meeting in the past (or today), its level
        changes spread in order from then until the last of those. Made by the steps now, they were all dated today,
        after meetings held weeks ago, and the pilot's figures, which stop at the last whole month, counted no case.
        An open level-0 case keeps today: its decision deadline counts from it."""
        now = timezone.now()
        for case in Case.objects.filter(opened_at__gte=since).exclude(status=Status.OPEN, level=Level.UNDRING):
            events = [
                *Avklaringssamtale.objects.filter(case=case, starts_at__lt=now).values_list("starts_at", flat=True),
                *Referral.objects.filter(case=case, sent_at__lt=now).values_list("sent_at", flat=True),
                *FamilieteamMeeting.objects.filter(team__case=case, starts_at__lt=now).values_list(
                    "starts_at", flat=True
                ),
                *(
                    timezone.make_aware(datetime.combine(day, time(9)))
                    for day in Familieteam.objects.filter(case=case).values_list("started_on", flat=True)
                ),
            ]
            opened = min([*events, now]) - timedelta(days=14 + case.pk % 29)
            last = max(events, default=now)
            Case.objects.filter(pk=case.pk).update(opened_at=opened)
            changes = list(LevelChange.objects.filter(case=case).order_by("at", "pk").values_list("pk", flat=True))
            # The first is the opening itself; the others follow by even steps until the last event.
            step = (last - opened) / max(len(changes), 1)
            for index, change in enumerate(changes):
                LevelChange.objects.filter(pk=change).update(at=opened + step * index)

    def _expiring_consents(self):
        """Consents that run out within the month (EXPIRING_CONSENTS), unless one already does."""
        today = timezone.localdate()
        soon = (today, today + timedelta(days=due.CONSENT_NOTICE_DAYS))
        for username, level, unit, days in EXPIRING_CONSENTS:
            family = self._log_case(level).family
            given = family.consents.filter(decision=ConsentDecision.GIVEN, withdrawn_at__isnull=True)
            if given.filter(valid_to__range=soon).exists():
                continue
            actions.record_consent(
                actor=self.users[username],
                family=family,
                given_by=family.persons.filter(parental_responsibility=True).order_by("pk").first(),
                decision=ConsentDecision.GIVEN,
                units=[self.units[unit]],
                valid_from=today - timedelta(days=60),
                valid_to=today + timedelta(days=days),
                note="Samtykke for ein avgrensa periode; fornyast ved behov.",
            )

    def _demo_handover(self):
        """A baton handover waiting to be accepted: the holder of a family at level 2 asks a member of its team."""
        if Handover.objects.filter(status=HandoverStatus.PENDING).exists():
            return
        at_level_2 = Case.objects.filter(status=Status.OPEN, level=Level.RESSURSTEAM).values("family")
        for held in Baton.objects.filter(family__in=at_level_2).select_related("holder", "family").order_by("pk"):
            case = held.family.cases.select_related("ressursteam").get(status=Status.OPEN)
            for member in case.ressursteam.members.exclude(user=held.holder).select_related("user"):
                if baton.can_hold(member.user, held.family):
                    baton.request_handover(
                        actor=held.holder,
                        family=held.family,
                        to=member.user,
                        note="Eg går ut i permisjon. Kan du ta over koordineringa?",
                    )
                    return

    def _family_logins(self):
        """The family's own logins (FAMILY_LOGINS) on the family at level 3 in LOGS: a guardian who owns action
        points there, and the family's eldest, 17, added to the family."""
        case = self._portal_case()
        family, los = case.family, case.familielos
        guardian = self._owners_guardian(case)
        born = timezone.localdate() - timedelta(days=365 * YOUTH_AGE + 100)
        children = family.persons.filter(role=PersonRole.CHILD).order_by("pk")
        youth = next((child for child in children if access.may_use_portal(child)), None) or actions.add_person(
            actor=los,
            family=family,
            role=PersonRole.CHILD,
            first_name=YOUTH_NAME,
            last_name=guardian.last_name,
            birth_date=born,
        )
        for (username, email), person in zip(FAMILY_LOGINS.items(), (guardian, youth), strict=True):
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(DEMO_PASSWORD)
            user.first_name, user.last_name, user.email = person.first_name, person.last_name, email
            user.save()
            user.groups.add(Group.objects.get(name=roles.FAMILY_MEMBER))
            if person.user_id != user.pk:
                actions.link_family_login(actor=los, person=person, user=user)

    def _scale_batch(self, batch):
        """A district's families at each level: its level-3 families decided at its team's last meeting, its level-2
        families waiting, the first SCALE_AGENDA of them on the agenda of its next meeting."""
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
        leader = self._scale_user(f"s{batch}-rt-leder", roles.RESSURSTEAM_MEMBER, self.units["PPT"])
        team_workflow.add_team_member(actor=self.users["admin"], team=team, user=leader, role=TeamRole.LEADER)
        familieloser = [
            self._scale_user(f"s{batch}-los{n}", roles.FAMILIELOS, self.units["Familielos-tenesta"]) for n in range(8)
        ]
        count = 0

        def next_family():
            nonlocal count
            opener, unit = staff[count % len(staff)], units[count % len(units)]
            count += 1
            return opener, unit

        for _ in range(SCALE_VOLUMES[Level.UNDRING]):
            opener, unit = next_family()
            self._family_at(Level.UNDRING, opener=opener, unit=unit)
        for index in range(SCALE_VOLUMES[Level.AVKLARING]):
            # Most level-1 families have had their conversation; one in five has it in the coming days.
            opener, unit = next_family()
            self._family_at(Level.AVKLARING, opener=opener, unit=unit, held=index % 5 != 0)
        appointed = []
        for _ in range(SCALE_VOLUMES[Level.FAMILIELOS]):
            opener, unit = next_family()
            familielos = familieloser[(count - 1) % len(familieloser)]
            appointed.append((self._referred(opener, sent=-30, unit=unit, familielos=familielos), familielos))
        if appointed:
            last = team_workflow.create_meeting(actor=leader, team=team, starts_at=_day(-14, hour=13))
            for referral, familielos in appointed:
                team_workflow.decide(
                    actor=member,
                    item=last.items.get(referral=referral),
                    outcome=Outcome.FAMILIELOS,
                    familielos=familielos,
                    **DECISION_TEXTS[Outcome.FAMILIELOS],
                )
        # The services' staff in the batch's familieteams, one per service the guardians consented to.
        services = [
            (self._scale_user(f"s{batch}-tenest{n}", roles.UNIT_STAFF, self.units[name]), self.units[name])
            for n, name in enumerate(SCALE_TEAM_SERVICES)
        ]
        for index, (referral, familielos) in enumerate(appointed):
            staff_member, service = services[index % len(services)]
            self._scale_familieteam(familielos, referral.case, staff_member, service, index)
        waiting = SCALE_VOLUMES[Level.RESSURSTEAM]
        for index in range(waiting):
            opener, unit = next_family()
            self._referred(opener, sent=-20 + index % 20, unit=unit)
            if index + 1 == min(SCALE_AGENDA, waiting):
                # Under way, as a board is used: the team records its decisions in the meeting.
                team_workflow.create_meeting(actor=leader, team=team, starts_at=_under_way())

    def _scale_user(self, username, role, unit):
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))
            Membership.objects.create(user=user, unit=unit)
        return user

    def _family_at(self, target, *, opener, unit, held=False):
        """A family whose case is walked through the workflow to level 0, level 1 (a clarifying conversation booked
        in the coming days, or `held` a month ago and recorded) or closed; its child of an age its unit has."""
        last_name = self.fake.last_name()
        guardians = [
            {"first_name": self.fake.first_name_female(), "last_name": last_name},
            {"first_name": self.fake.first_name_male(), "last_name": last_name},
        ]
        concern = self.random.choice(CONCERNS)
        age = self.random.randint(*AGES[unit.kind])
        born = timezone.localdate() - timedelta(days=365 * age + self.random.randint(0, 364))
        case = actions.register_family(
            actor=opener,
            family_name=f"Familien {last_name}",
            child={"first_name": self.fake.first_name(), "last_name": last_name, "birth_date": born},
            guardians=guardians,
            reason=concern,
            unit=unit,
        )
        if target == "closed":
            workflow.close_case(
                actor=opener, case=case, reason="Tiltak i barnehagen har hjelpt; vi held fram å observere."
            )
            return case
        if target >= Level.AVKLARING:
            starts_at = _day(-35) if held else _day(self.random.randint(1, 10), hour=self.random.randint(8, 14))
            samtale = actions.book_avklaringssamtale(
                actor=opener, case=case, starts_at=starts_at, place=f"{unit.name}, møterom 1", participants="Foreldra"
            )
            if held:
                actions.record_avklaringssamtale(
                    actor=opener,
                    samtale=samtale,
                    version=samtale.version,
                    agreements=[{"what": "Fast vaksen i overgangar", "who": "Eininga", "follow_up": None}],
                    concern=concern,
                    guardians_said="Foreldra kjenner seg att og ønskjer meir hjelp.",
                )
        return case

    def _referred(self, opener, *, sent, unit=None, urgency=Urgency.NORMAL, familielos=None):
        """A family at level 1 after its conversation, referred to the ressursteam covering its unit with the
        guardians' consent to every service in it (and to the familielos's service, for a family the team will give
        one): a sent referral."""
        unit = unit or opener.memberships.get().unit
        team = ressursteam_for_unit(unit)
        case = self._family_at(Level.AVKLARING, opener=opener, unit=unit, held=True)
        guardian = case.family.persons.filter(parental_responsibility=True).first()
        services = list(team.units.all())
        if familielos is not None:
            services += workflow.familielos_units(familielos)
        actions.record_consent(
            actor=opener,
            family=case.family,
            given_by=guardian,
            decision=ConsentDecision.GIVEN,
            units=services,
            valid_from=timezone.localdate() - timedelta(days=40),
            valid_to=timezone.localdate() + timedelta(days=330),
        )
        referral = team_workflow.create_referral(
            actor=opener, team=team, case=case, urgency=urgency, **self.random.choice(REFERRAL_TEXTS)
        )
        referral = team_workflow.send_referral(actor=opener, referral=referral)
        # Demo data only: the workflow stamps the sending now; a realistic queue has waited some days.
        Referral.objects.filter(pk=referral.pk).update(sent_at=_day(sent), waiting_since=_day(sent))
        return referral
