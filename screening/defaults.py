"""The default instruments shipped with the app, built from the risk and protective factors commonly used in
municipal BTI guides (Kvello's lists), with the two additions staff asked for in testing: language
difficulties, and delayed skills specified. Factor texts are data in Norwegian (Bokmål); a municipality edits
them as a new version in the app.
"""

from django.utils import timezone

BH, BS, US = "barnehage", "barneskole", "ungdomsskole"
ALL = (BH, BS, US)

# (key, labels: {age groups: text}, help text, weight, signals abuse)
STAFF_GROUPS = [
    (
        "Barnet",
        "risk",
        [
            ("premature_birth", {(BH, BS): "Født for tidlig eller med lav fødselsvekt"}, ""),
            ("developmental_disorder", {ALL: "Utviklingsforstyrrelse eller syndrom"}, ""),
            (
                "little_language",
                {(BH,): "Lite språk eller lav språkforståelse for alderen", (BS, US): "Lav språkforståelse"},
                "Forstår lite av det som blir sagt, eller har få ord sammenlignet med jevnaldrende.",
            ),
            (
                "weak_social_skills",
                {ALL: "Svake sosiale ferdigheter"},
                "Vansker med samspill, turtaking og å lese andre.",
            ),
            ("impulsive", {ALL: "Impulsiv, hyperaktiv eller med oppmerksomhetsvansker"}, ""),
            (
                "aggression",
                {(BH,): "Mye aggresjon (slår, biter, river)", (BS, US): "Mye aggresjon eller utagering"},
                "",
            ),
            ("withdrawn", {ALL: "Stille, tilbaketrukket eller utrygg"}, "Lett å overse: barnet som ikke forstyrrer."),
            ("mental_illness", {ALL: "Psykisk sykdom eller tydelige psykiske plager"}, ""),
            ("physical_illness", {ALL: "Alvorlig fysisk sykdom"}, ""),
            ("broken_relations", {ALL: "Brudd i nære relasjoner, eller tap av forelder eller søsken"}, ""),
            ("making_friends", {ALL: "Vansker med å få venner"}, ""),
            (
                "bullying",
                {(BH,): "Blir plaget av eller plager andre barn", (BS, US): "Blir mobbet eller mobber andre"},
                "",
            ),
            ("substance_use", {(US,): "Bruk av rusmidler"}, "Alkohol, hasj eller andre rusmidler."),
            ("pessimism", {(BS, US): "Pessimistisk syn på framtiden"}, ""),
        ],
    ),
    (
        "Familien og hjemmet",
        "risk",
        [
            ("parental_mental_illness", {ALL: "Psykisk sykdom hos foreldre"}, ""),
            (
                "high_conflict",
                {ALL: "Langvarig høyt konfliktnivå"},
                "Mellom foreldrene, eller mellom foreldre og barn.",
            ),
            ("weak_parenting", {ALL: "Svak eller skadelig foreldrefungering"}, ""),
            ("parental_substance", {ALL: "Rusmisbruk hos foreldre"}, ""),
            ("parental_crime", {ALL: "Kriminalitet hos foreldre"}, ""),
            ("low_income", {ALL: "Foreldre uten arbeid, på trygd eller med lav inntekt"}, ""),
            ("many_moves", {ALL: "Mange flyttinger"}, ""),
            ("separation", {ALL: "Samlivsbrudd"}, ""),
            ("residence_status", {ALL: "Uavklart oppholdsstatus"}, ""),
            (
                "violence_abuse_neglect",
                {ALL: "Tegn på vold, overgrep eller alvorlig omsorgssvikt"},
                "Dette er ikke for kartlegging: meldeplikten til barnevernet gjelder nå.",
            ),
        ],
    ),
    (
        "Barnehage, skole og omgivelser",
        "risk",
        [
            ("high_absence", {ALL: "Høyt fravær"}, ""),
            (
                "falling_behind",
                {(BH,): "Henger etter jevnaldrende i utvikling", (BS, US): "Henger etter faglig"},
                "",
            ),
            (
                "language_difficulties",
                {ALL: "Språkutfordringer"},
                "For eksempel norsk som andrespråk med lite norsk, uklar tale eller stamming.",
            ),
            ("delayed_language", {ALL: "Forsinkede ferdigheter: språk"}, ""),
            ("delayed_motor", {ALL: "Forsinkede ferdigheter: motorikk"}, "Grovmotorikk eller finmotorikk."),
            ("delayed_social", {ALL: "Forsinkede ferdigheter: sosialt"}, ""),
            ("delayed_learning", {ALL: "Forsinkede ferdigheter: læring"}, ""),
        ],
    ),
    (
        "Beskyttende faktorer",
        "protective",
        [
            ("functions_well", {ALL: "Fungerer godt for alderen"}, ""),
            ("good_adult", {ALL: "God relasjon til minst én voksen"}, ""),
            ("mastery", {ALL: "Hobbyer, mestring og glede"}, ""),
            ("friends", {ALL: "Har venner"}, ""),
            ("self_image", {ALL: "Godt selvbilde"}, ""),
            ("network", {ALL: "Støttende nettverk rundt barnet og familien"}, ""),
        ],
    ),
]

GUARDIAN_GROUPS = [
    (
        "Om barnet",
        "risk",
        [
            ("little_language", {ALL: "Barnet mitt snakker eller forstår mindre enn andre på samme alder"}, ""),
            ("weak_social_skills", {ALL: "Barnet mitt har det vanskelig sammen med andre barn"}, ""),
            ("impulsive", {ALL: "Barnet mitt er veldig urolig eller har vansker med å konsentrere seg"}, ""),
            ("aggression", {ALL: "Barnet mitt blir ofte sint og slår eller skader andre"}, ""),
            ("withdrawn", {ALL: "Barnet mitt er mye stille, lei seg eller redd"}, ""),
            ("making_friends", {ALL: "Barnet mitt har ingen eller få venner"}, ""),
            ("bullying", {ALL: "Barnet mitt blir plaget eller plager andre"}, ""),
            ("broken_relations", {ALL: "Barnet mitt har mistet noen som står det nær"}, ""),
            ("substance_use", {(US,): "Jeg er redd for at barnet mitt bruker alkohol eller andre rusmidler"}, ""),
            ("high_absence", {(BS, US): "Barnet mitt er mye borte fra skolen eller vil ikke gå dit"}, ""),
        ],
    ),
    (
        "Om familien",
        "risk",
        [
            ("high_conflict", {ALL: "Vi har mye krangel og konflikt hjemme over lang tid"}, ""),
            ("parental_mental_illness", {ALL: "En av oss voksne sliter psykisk"}, ""),
            ("parental_substance", {ALL: "En av oss voksne drikker mye eller bruker rusmidler"}, ""),
            ("low_income", {ALL: "Vi har dårlig råd, eller ingen av oss har arbeid"}, ""),
            ("separation", {ALL: "Vi har nylig gått fra hverandre"}, ""),
            ("many_moves", {ALL: "Vi har flyttet mange ganger"}, ""),
            (
                "violence_abuse_neglect",
                {ALL: "Noen i familien blir slått, truet eller skadet"},
                "Da skal du få hjelp med en gang.",
            ),
        ],
    ),
    (
        "Det som går bra",
        "protective",
        [
            ("good_adult", {ALL: "Barnet mitt har en voksen det stoler på"}, ""),
            ("friends", {ALL: "Barnet mitt har venner"}, ""),
            ("mastery", {ALL: "Barnet mitt har noe det liker å gjøre og får til"}, ""),
            ("network", {ALL: "Vi har familie eller venner som hjelper oss"}, ""),
        ],
    ),
]

SIGNALS_ABUSE = {"violence_abuse_neglect"}
TITLES = {
    ("staff", BH): "Vurderingsverktøy – barnehage (1–5 år)",
    ("staff", BS): "Vurderingsverktøy – barneskole (6–12 år)",
    ("staff", US): "Vurderingsverktøy – ungdomsskole (13–16 år)",
    ("guardian", BH): "Foreldrenes egenvurdering – barnehagebarn",
    ("guardian", BS): "Foreldrenes egenvurdering – barneskolebarn",
    ("guardian", US): "Foreldrenes egenvurdering – ungdomsskoleelever",
}
INTRODUCTION = {
    "staff": (
        "Kryss av for det du har sett over tid. Faktorene er ikke rangert: verktøyet støtter ditt skjønn. "
        "Skriv hva du har sett og hørt, og hvor lenge."
    ),
    "guardian": (
        "Dette er for deg som er forelder og lurer på om barnet ditt eller familien trenger hjelp. "
        "Ingenting blir lagret eller sendt hvis du ikke selv velger det."
    ),
}


def install(Instrument, FactorGroup, Factor):
    """Create version 1 of every default instrument that does not exist yet (the models may be historical)."""
    for audience, groups in (("staff", STAFF_GROUPS), ("guardian", GUARDIAN_GROUPS)):
        for age_group in ALL:
            if Instrument.objects.filter(audience=audience, age_group=age_group).exists():
                continue
            instrument = Instrument.objects.create(
                audience=audience,
                age_group=age_group,
                version=1,
                status="draft",
                title=TITLES[(audience, age_group)],
                introduction=INTRODUCTION[audience],
                avklaring_threshold=3 if audience == "staff" else 2,
                ressursteam_threshold=6 if audience == "staff" else 5,
            )
            for group_position, (title, kind, factors) in enumerate(groups):
                group = FactorGroup.objects.create(instrument=instrument, title=title, position=group_position)
                position = 0
                for key, labels, help_text in factors:
                    label = next((text for ages, text in labels.items() if age_group in ages), None)
                    if label is None:
                        continue
                    Factor.objects.create(
                        instrument=instrument,
                        group=group,
                        key=key,
                        kind=kind,
                        label=label,
                        help_text=help_text,
                        signals_abuse=key in SIGNALS_ABUSE,
                        position=position,
                    )
                    position += 1
            Instrument.objects.filter(pk=instrument.pk).update(status="published", published_at=timezone.now())
