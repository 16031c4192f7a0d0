"""The default instruments shipped with the app, built from the risk and protective factors commonly used in
municipal BTI guides (Kvello's lists), with the two additions staff asked for in testing: language
difficulties, and delayed skills specified. Factor texts are data, written in Bokmål and Nynorsk (each text is a
pair `(nb, nn)`); a municipality edits them as a new version in the app.
"""

from django.utils import timezone

BH, BS, US = "barnehage", "barneskole", "ungdomsskole"
ALL = (BH, BS, US)
NO_HELP = ("", "")

# (group title, kind, [(key, labels: {age groups: text}, help text)])
STAFF_GROUPS = [
    (
        ("Barnet", "Barnet"),
        "risk",
        [
            (
                "premature_birth",
                {(BH, BS): ("Født for tidlig eller med lav fødselsvekt", "Fødd for tidleg eller med låg fødselsvekt")},
                NO_HELP,
            ),
            (
                "developmental_disorder",
                {ALL: ("Utviklingsforstyrrelse eller syndrom", "Utviklingsforstyrring eller syndrom")},
                NO_HELP,
            ),
            (
                "little_language",
                {
                    (BH,): (
                        "Lite språk eller lav språkforståelse for alderen",
                        "Lite språk eller låg språkforståing for alderen",
                    ),
                    (BS, US): ("Lav språkforståelse", "Låg språkforståing"),
                },
                (
                    "Forstår lite av det som blir sagt, eller har få ord sammenlignet med jevnaldrende.",
                    "Forstår lite av det som blir sagt, eller har få ord samanlikna med jamaldrande.",
                ),
            ),
            (
                "weak_social_skills",
                {ALL: ("Svake sosiale ferdigheter", "Svake sosiale ferdigheiter")},
                ("Vansker med samspill, turtaking og å lese andre.", "Vanskar med samspel, turtaking og å lese andre."),
            ),
            (
                "impulsive",
                {
                    ALL: (
                        "Impulsiv, hyperaktiv eller med oppmerksomhetsvansker",
                        "Impulsiv, hyperaktiv eller med merksemdsvanskar",
                    )
                },
                NO_HELP,
            ),
            (
                "aggression",
                {
                    (BH,): ("Mye aggresjon (slår, biter, river)", "Mykje aggresjon (slår, bit, riv)"),
                    (BS, US): ("Mye aggresjon eller utagering", "Mykje aggresjon eller utagering"),
                },
                NO_HELP,
            ),
            (
                "withdrawn",
                {ALL: ("Stille, tilbaketrukket eller utrygg", "Stille, tilbaketrekt eller utrygg")},
                ("Lett å overse: barnet som ikke forstyrrer.", "Lett å oversjå: barnet som ikkje forstyrrar."),
            ),
            (
                "mental_illness",
                {
                    ALL: (
                        "Psykisk sykdom eller tydelige psykiske plager",
                        "Psykisk sjukdom eller tydelege psykiske plager",
                    )
                },
                NO_HELP,
            ),
            ("physical_illness", {ALL: ("Alvorlig fysisk sykdom", "Alvorleg fysisk sjukdom")}, NO_HELP),
            (
                "broken_relations",
                {
                    ALL: (
                        "Brudd i nære relasjoner, eller tap av forelder eller søsken",
                        "Brot i nære relasjonar, eller tap av forelder eller sysken",
                    )
                },
                NO_HELP,
            ),
            ("making_friends", {ALL: ("Vansker med å få venner", "Vanskar med å få vener")}, NO_HELP),
            (
                "bullying",
                {
                    (BH,): ("Blir plaget av eller plager andre barn", "Blir plaga av eller plagar andre barn"),
                    (BS, US): ("Blir mobbet eller mobber andre", "Blir mobba eller mobbar andre"),
                },
                NO_HELP,
            ),
            (
                "substance_use",
                {(US,): ("Bruk av rusmidler", "Bruk av rusmiddel")},
                ("Alkohol, hasj eller andre rusmidler.", "Alkohol, hasj eller andre rusmiddel."),
            ),
            (
                "pessimism",
                {(BS, US): ("Pessimistisk syn på framtiden", "Pessimistisk syn på framtida")},
                NO_HELP,
            ),
        ],
    ),
    (
        ("Familien og hjemmet", "Familien og heimen"),
        "risk",
        [
            (
                "parental_mental_illness",
                {ALL: ("Psykisk sykdom hos foreldre", "Psykisk sjukdom hos foreldre")},
                NO_HELP,
            ),
            (
                "high_conflict",
                {ALL: ("Langvarig høyt konfliktnivå", "Langvarig høgt konfliktnivå")},
                (
                    "Mellom foreldrene, eller mellom foreldre og barn.",
                    "Mellom foreldra, eller mellom foreldre og barn.",
                ),
            ),
            (
                "weak_parenting",
                {ALL: ("Svak eller skadelig foreldrefungering", "Svak eller skadeleg foreldrefungering")},
                NO_HELP,
            ),
            ("parental_substance", {ALL: ("Rusmisbruk hos foreldre", "Rusmisbruk hos foreldre")}, NO_HELP),
            ("parental_crime", {ALL: ("Kriminalitet hos foreldre", "Kriminalitet hos foreldre")}, NO_HELP),
            (
                "low_income",
                {
                    ALL: (
                        "Foreldre uten arbeid, på trygd eller med lav inntekt",
                        "Foreldre utan arbeid, på trygd eller med låg inntekt",
                    )
                },
                NO_HELP,
            ),
            ("many_moves", {ALL: ("Mange flyttinger", "Mange flyttingar")}, NO_HELP),
            ("separation", {ALL: ("Samlivsbrudd", "Samlivsbrot")}, NO_HELP),
            ("residence_status", {ALL: ("Uavklart oppholdsstatus", "Uavklart opphaldsstatus")}, NO_HELP),
            (
                "violence_abuse_neglect",
                {
                    ALL: (
                        "Tegn på vold, overgrep eller alvorlig omsorgssvikt",
                        "Teikn på vald, overgrep eller alvorleg omsorgssvikt",
                    )
                },
                (
                    "Dette er ikke for kartlegging: meldeplikten til barnevernet gjelder nå.",
                    "Dette er ikkje for kartlegging: meldeplikta til barnevernet gjeld no.",
                ),
            ),
        ],
    ),
    (
        ("Barnehage, skole og omgivelser", "Barnehage, skule og omgjevnader"),
        "risk",
        [
            ("high_absence", {ALL: ("Høyt fravær", "Høgt fråvær")}, NO_HELP),
            (
                "falling_behind",
                {
                    (BH,): ("Henger etter jevnaldrende i utvikling", "Heng etter jamaldrande i utviklinga"),
                    (BS, US): ("Henger etter faglig", "Heng etter fagleg"),
                },
                NO_HELP,
            ),
            (
                "language_difficulties",
                {ALL: ("Språkutfordringer", "Språkutfordringar")},
                (
                    "For eksempel norsk som andrespråk med lite norsk, uklar tale eller stamming.",
                    "Til dømes norsk som andrespråk med lite norsk, uklar tale eller stamming.",
                ),
            ),
            (
                "delayed_language",
                {ALL: ("Forsinkede ferdigheter: språk", "Forseinka ferdigheiter: språk")},
                NO_HELP,
            ),
            (
                "delayed_motor",
                {ALL: ("Forsinkede ferdigheter: motorikk", "Forseinka ferdigheiter: motorikk")},
                ("Grovmotorikk eller finmotorikk.", "Grovmotorikk eller finmotorikk."),
            ),
            (
                "delayed_social",
                {ALL: ("Forsinkede ferdigheter: sosialt", "Forseinka ferdigheiter: sosialt")},
                NO_HELP,
            ),
            (
                "delayed_learning",
                {ALL: ("Forsinkede ferdigheter: læring", "Forseinka ferdigheiter: læring")},
                NO_HELP,
            ),
        ],
    ),
    (
        ("Beskyttende faktorer", "Beskyttande faktorar"),
        "protective",
        [
            ("functions_well", {ALL: ("Fungerer godt for alderen", "Fungerer godt for alderen")}, NO_HELP),
            ("good_adult", {ALL: ("God relasjon til minst én voksen", "God relasjon til minst éin vaksen")}, NO_HELP),
            ("mastery", {ALL: ("Hobbyer, mestring og glede", "Hobbyar, meistring og glede")}, NO_HELP),
            ("friends", {ALL: ("Har venner", "Har vener")}, NO_HELP),
            ("self_image", {ALL: ("Godt selvbilde", "Godt sjølvbilete")}, NO_HELP),
            (
                "network",
                {ALL: ("Støttende nettverk rundt barnet og familien", "Støttande nettverk rundt barnet og familien")},
                NO_HELP,
            ),
        ],
    ),
]

# The guardians' factors use the staff tool's keys: a concern they send can start a staff screening with them ticked.
GUARDIAN_GROUPS = [
    (
        ("Om barnet", "Om barnet"),
        "risk",
        [
            (
                "little_language",
                {
                    ALL: (
                        "Barnet mitt snakker eller forstår mindre enn andre på samme alder",
                        "Barnet mitt snakkar eller forstår mindre enn andre på same alder",
                    )
                },
                NO_HELP,
            ),
            (
                "weak_social_skills",
                {
                    ALL: (
                        "Barnet mitt har det vanskelig sammen med andre barn",
                        "Barnet mitt har det vanskeleg saman med andre barn",
                    )
                },
                NO_HELP,
            ),
            (
                "impulsive",
                {
                    ALL: (
                        "Barnet mitt er veldig urolig eller har vansker med å konsentrere seg",
                        "Barnet mitt er svært uroleg eller har vanskar med å konsentrere seg",
                    )
                },
                NO_HELP,
            ),
            (
                "aggression",
                {
                    ALL: (
                        "Barnet mitt blir ofte sint og slår eller skader andre",
                        "Barnet mitt blir ofte sint og slår eller skadar andre",
                    )
                },
                NO_HELP,
            ),
            (
                "withdrawn",
                {
                    ALL: (
                        "Barnet mitt er mye stille, lei seg eller redd",
                        "Barnet mitt er mykje stille, lei seg eller redd",
                    )
                },
                NO_HELP,
            ),
            (
                "making_friends",
                {ALL: ("Barnet mitt har ingen eller få venner", "Barnet mitt har ingen eller få vener")},
                NO_HELP,
            ),
            (
                "bullying",
                {ALL: ("Barnet mitt blir plaget eller plager andre", "Barnet mitt blir plaga eller plagar andre")},
                NO_HELP,
            ),
            (
                "broken_relations",
                {
                    ALL: (
                        "Barnet mitt har mistet noen som står det nær",
                        "Barnet mitt har mista nokon som står det nær",
                    )
                },
                NO_HELP,
            ),
            (
                "substance_use",
                {
                    (US,): (
                        "Jeg er redd for at barnet mitt bruker alkohol eller andre rusmidler",
                        "Eg er redd for at barnet mitt brukar alkohol eller andre rusmiddel",
                    )
                },
                NO_HELP,
            ),
            (
                "high_absence",
                {
                    (BS, US): (
                        "Barnet mitt er mye borte fra skolen eller vil ikke gå dit",
                        "Barnet mitt er mykje borte frå skulen eller vil ikkje gå dit",
                    )
                },
                NO_HELP,
            ),
        ],
    ),
    (
        ("Om familien", "Om familien"),
        "risk",
        [
            (
                "high_conflict",
                {
                    ALL: (
                        "Vi har mye krangel og konflikt hjemme over lang tid",
                        "Vi har mykje krangel og konflikt heime over lang tid",
                    )
                },
                NO_HELP,
            ),
            (
                "parental_mental_illness",
                {ALL: ("En av oss voksne sliter psykisk", "Ein av oss vaksne slit psykisk")},
                NO_HELP,
            ),
            (
                "parental_substance",
                {
                    ALL: (
                        "En av oss voksne drikker mye eller bruker rusmidler",
                        "Ein av oss vaksne drikk mykje eller brukar rusmiddel",
                    )
                },
                NO_HELP,
            ),
            (
                "low_income",
                {
                    ALL: (
                        "Vi har dårlig råd, eller ingen av oss har arbeid",
                        "Vi har dårleg råd, eller ingen av oss har arbeid",
                    )
                },
                NO_HELP,
            ),
            ("separation", {ALL: ("Vi har nylig gått fra hverandre", "Vi har nyleg gått frå kvarandre")}, NO_HELP),
            ("many_moves", {ALL: ("Vi har flyttet mange ganger", "Vi har flytta mange gonger")}, NO_HELP),
            (
                "violence_abuse_neglect",
                {
                    ALL: (
                        "Noen i familien blir slått, truet eller skadet",
                        "Nokon i familien blir slått, truga eller skadd",
                    )
                },
                ("Da skal du få hjelp med en gang.", "Då skal du få hjelp med ein gong."),
            ),
        ],
    ),
    (
        ("Det som går bra", "Det som går bra"),
        "protective",
        [
            (
                "good_adult",
                {ALL: ("Barnet mitt har en voksen det stoler på", "Barnet mitt har ein vaksen det stolar på")},
                NO_HELP,
            ),
            ("friends", {ALL: ("Barnet mitt har venner", "Barnet mitt har vener")}, NO_HELP),
            (
                "mastery",
                {
                    ALL: (
                        "Barnet mitt har noe det liker å gjøre og får til",
                        "Barnet mitt har noko det likar å gjere og får til",
                    )
                },
                NO_HELP,
            ),
            (
                "network",
                {ALL: ("Vi har familie eller venner som hjelper oss", "Vi har familie eller vener som hjelper oss")},
                NO_HELP,
            ),
        ],
    ),
]

SIGNALS_ABUSE = {"violence_abuse_neglect"}
TITLES = {
    ("staff", BH): ("Vurderingsverktøy – barnehage (1–5 år)", "Vurderingsverktøy – barnehage (1–5 år)"),
    ("staff", BS): ("Vurderingsverktøy – barneskole (6–12 år)", "Vurderingsverktøy – barneskule (6–12 år)"),
    ("staff", US): ("Vurderingsverktøy – ungdomsskole (13–16 år)", "Vurderingsverktøy – ungdomsskule (13–16 år)"),
    ("guardian", BH): ("Foreldrenes egenvurdering – barnehagebarn", "Foreldra si eigenvurdering – barnehagebarn"),
    ("guardian", BS): ("Foreldrenes egenvurdering – barneskolebarn", "Foreldra si eigenvurdering – barneskulebarn"),
    ("guardian", US): (
        "Foreldrenes egenvurdering – ungdomsskoleelever",
        "Foreldra si eigenvurdering – ungdomsskuleelevar",
    ),
}
INTRODUCTION = {
    "staff": (
        "Kryss av for det du har sett over tid. Faktorene er ikke rangert: verktøyet støtter ditt skjønn. "
        "Skriv hva du har sett og hørt, og hvor lenge.",
        "Kryss av for det du har sett over tid. Faktorane er ikkje rangerte: verktøyet støttar skjønnet ditt. "
        "Skriv kva du har sett og høyrt, og kor lenge.",
    ),
    "guardian": (
        "Dette er for deg som er forelder og lurer på om barnet ditt eller familien trenger hjelp. "
        "Ingenting blir lagret eller sendt hvis du ikke selv velger det.",
        "Dette er for deg som er forelder og lurer på om barnet ditt eller familien treng hjelp. "
        "Ingenting blir lagra eller sendt om du ikkje sjølv vel det.",
    ),
}
# The staff tool's thresholds; the guardians' tool has none of its own (it is scored by the staff tool).
AVKLARING_THRESHOLD, RESSURSTEAM_THRESHOLD = 3, 6


def nynorsk() -> dict[str, str]:
    """Every shipped Bokmål text with its Nynorsk one: what migration 0004 fills in for the rows already made."""
    pairs = [*TITLES.values(), *INTRODUCTION.values()]
    for groups in (STAFF_GROUPS, GUARDIAN_GROUPS):
        for title, _kind, factors in groups:
            pairs.append(title)
            for _key, labels, help_text in factors:
                pairs.extend([*labels.values(), help_text])
    return {nb: nn for nb, nn in pairs if nb}


def install(Instrument, FactorGroup, Factor):
    """Create version 1 of every default instrument that does not exist yet (the models may be historical).

    Migration 0002's models have no Nynorsk fields yet, and thresholds on every instrument: there the Bokmål texts
    and the old thresholds are written, and migration 0004 adds the Nynorsk texts and moves the thresholds.
    """
    current = any(field.name == "title_nn" for field in Instrument._meta.get_fields())

    def texts(**pairs):
        values = {name: nb for name, (nb, _nn) in pairs.items()}
        if current:
            values.update({f"{name}_nn": nn for name, (_nb, nn) in pairs.items()})
        return values

    for audience, groups in (("staff", STAFF_GROUPS), ("guardian", GUARDIAN_GROUPS)):
        for age_group in ALL:
            if Instrument.objects.filter(audience=audience, age_group=age_group).exists():
                continue
            if audience == "staff":
                thresholds = (AVKLARING_THRESHOLD, RESSURSTEAM_THRESHOLD)
            else:
                thresholds = (None, None) if current else (2, 5)
            instrument = Instrument.objects.create(
                audience=audience,
                age_group=age_group,
                version=1,
                status="draft",
                avklaring_threshold=thresholds[0],
                ressursteam_threshold=thresholds[1],
                **texts(title=TITLES[(audience, age_group)], introduction=INTRODUCTION[audience]),
            )
            for group_position, (title, kind, factors) in enumerate(groups):
                group = FactorGroup.objects.create(instrument=instrument, position=group_position, **texts(title=title))
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
                        signals_abuse=key in SIGNALS_ABUSE,
                        position=position,
                        **texts(label=label, help_text=help_text),
                    )
                    position += 1
            Instrument.objects.filter(pk=instrument.pk).update(status="published", published_at=timezone.now())
