"""The Bokmål → Nynorsk texts of the shipped instruments as migration 0004 fills them in, frozen here so that a
later change to screening/defaults.py never changes what that migration writes."""

NYNORSK = {
    "Alkohol, hasj eller andre rusmidler.": "Alkohol, hasj eller andre rusmiddel.",
    "Alvorlig fysisk sykdom": "Alvorleg fysisk sjukdom",
    "Barnehage, skole og omgivelser": "Barnehage, skule og omgjevnader",
    "Barnet": "Barnet",
    "Barnet mitt blir ofte sint og slår eller skader andre": "Barnet mitt blir ofte sint og slår eller skadar andre",
    "Barnet mitt blir plaget eller plager andre": "Barnet mitt blir plaga eller plagar andre",
    "Barnet mitt er mye borte fra skolen eller vil ikke gå dit": "Barnet mitt er mykje borte frå skulen eller vil "
    "ikkje gå dit",
    "Barnet mitt er mye stille, lei seg eller redd": "Barnet mitt er mykje stille, lei seg eller redd",
    "Barnet mitt er veldig urolig eller har vansker med å konsentrere seg": "Barnet mitt er svært uroleg eller har "
    "vanskar med å konsentrere seg",
    "Barnet mitt har det vanskelig sammen med andre barn": "Barnet mitt har det vanskeleg saman med andre barn",
    "Barnet mitt har en voksen det stoler på": "Barnet mitt har ein vaksen det stolar på",
    "Barnet mitt har ingen eller få venner": "Barnet mitt har ingen eller få vener",
    "Barnet mitt har mistet noen som står det nær": "Barnet mitt har mista nokon som står det nær",
    "Barnet mitt har noe det liker å gjøre og får til": "Barnet mitt har noko det likar å gjere og får til",
    "Barnet mitt har venner": "Barnet mitt har vener",
    "Barnet mitt snakker eller forstår mindre enn andre på samme alder": "Barnet mitt snakkar eller forstår mindre "
    "enn andre på same alder",
    "Beskyttende faktorer": "Beskyttande faktorar",
    "Blir mobbet eller mobber andre": "Blir mobba eller mobbar andre",
    "Blir plaget av eller plager andre barn": "Blir plaga av eller plagar andre barn",
    "Brudd i nære relasjoner, eller tap av forelder eller søsken": "Brot i nære relasjonar, eller tap av forelder "
    "eller sysken",
    "Bruk av rusmidler": "Bruk av rusmiddel",
    "Da skal du få hjelp med en gang.": "Då skal du få hjelp med ein gong.",
    "Det som går bra": "Det som går bra",
    "Dette er for deg som er forelder og lurer på om barnet ditt eller familien trenger hjelp. Ingenting blir lagret eller sendt hvis du ikke selv velger det.": "Dette "
    "er "
    "for "
    "deg "
    "som "
    "er "
    "forelder "
    "og "
    "lurer "
    "på "
    "om "
    "barnet "
    "ditt "
    "eller "
    "familien "
    "treng "
    "hjelp. "
    "Ingenting "
    "blir "
    "lagra "
    "eller "
    "sendt "
    "om "
    "du "
    "ikkje "
    "sjølv "
    "vel "
    "det.",
    "Dette er ikke for kartlegging: meldeplikten til barnevernet gjelder nå.": "Dette er ikkje for kartlegging: "
    "meldeplikta til barnevernet gjeld no.",
    "En av oss voksne drikker mye eller bruker rusmidler": "Ein av oss vaksne drikk mykje eller brukar rusmiddel",
    "En av oss voksne sliter psykisk": "Ein av oss vaksne slit psykisk",
    "Familien og hjemmet": "Familien og heimen",
    "For eksempel norsk som andrespråk med lite norsk, uklar tale eller stamming.": "Til dømes norsk som andrespråk "
    "med lite norsk, uklar tale eller "
    "stamming.",
    "Foreldre uten arbeid, på trygd eller med lav inntekt": "Foreldre utan arbeid, på trygd eller med låg inntekt",
    "Foreldrenes egenvurdering – barnehagebarn": "Foreldra si eigenvurdering – barnehagebarn",
    "Foreldrenes egenvurdering – barneskolebarn": "Foreldra si eigenvurdering – barneskulebarn",
    "Foreldrenes egenvurdering – ungdomsskoleelever": "Foreldra si eigenvurdering – ungdomsskuleelevar",
    "Forsinkede ferdigheter: læring": "Forseinka ferdigheiter: læring",
    "Forsinkede ferdigheter: motorikk": "Forseinka ferdigheiter: motorikk",
    "Forsinkede ferdigheter: sosialt": "Forseinka ferdigheiter: sosialt",
    "Forsinkede ferdigheter: språk": "Forseinka ferdigheiter: språk",
    "Forstår lite av det som blir sagt, eller har få ord sammenlignet med jevnaldrende.": "Forstår lite av det som "
    "blir sagt, eller har få "
    "ord samanlikna med "
    "jamaldrande.",
    "Fungerer godt for alderen": "Fungerer godt for alderen",
    "Født for tidlig eller med lav fødselsvekt": "Fødd for tidleg eller med låg fødselsvekt",
    "God relasjon til minst én voksen": "God relasjon til minst éin vaksen",
    "Godt selvbilde": "Godt sjølvbilete",
    "Grovmotorikk eller finmotorikk.": "Grovmotorikk eller finmotorikk.",
    "Har venner": "Har vener",
    "Henger etter faglig": "Heng etter fagleg",
    "Henger etter jevnaldrende i utvikling": "Heng etter jamaldrande i utviklinga",
    "Hobbyer, mestring og glede": "Hobbyar, meistring og glede",
    "Høyt fravær": "Høgt fråvær",
    "Impulsiv, hyperaktiv eller med oppmerksomhetsvansker": "Impulsiv, hyperaktiv eller med merksemdsvanskar",
    "Jeg er redd for at barnet mitt bruker alkohol eller andre rusmidler": "Eg er redd for at barnet mitt brukar "
    "alkohol eller andre rusmiddel",
    "Kriminalitet hos foreldre": "Kriminalitet hos foreldre",
    "Kryss av for det du har sett over tid. Faktorene er ikke rangert: verktøyet støtter ditt skjønn. Skriv hva du har sett og hørt, og hvor lenge.": "Kryss "
    "av "
    "for "
    "det "
    "du "
    "har "
    "sett "
    "over "
    "tid. "
    "Faktorane "
    "er "
    "ikkje "
    "rangerte: "
    "verktøyet "
    "støttar "
    "skjønnet "
    "ditt. "
    "Skriv "
    "kva "
    "du "
    "har "
    "sett "
    "og "
    "høyrt, "
    "og "
    "kor "
    "lenge.",
    "Langvarig høyt konfliktnivå": "Langvarig høgt konfliktnivå",
    "Lav språkforståelse": "Låg språkforståing",
    "Lett å overse: barnet som ikke forstyrrer.": "Lett å oversjå: barnet som ikkje forstyrrar.",
    "Lite språk eller lav språkforståelse for alderen": "Lite språk eller låg språkforståing for alderen",
    "Mange flyttinger": "Mange flyttingar",
    "Mellom foreldrene, eller mellom foreldre og barn.": "Mellom foreldra, eller mellom foreldre og barn.",
    "Mye aggresjon (slår, biter, river)": "Mykje aggresjon (slår, bit, riv)",
    "Mye aggresjon eller utagering": "Mykje aggresjon eller utagering",
    "Noen i familien blir slått, truet eller skadet": "Nokon i familien blir slått, truga eller skadd",
    "Om barnet": "Om barnet",
    "Om familien": "Om familien",
    "Pessimistisk syn på framtiden": "Pessimistisk syn på framtida",
    "Psykisk sykdom eller tydelige psykiske plager": "Psykisk sjukdom eller tydelege psykiske plager",
    "Psykisk sykdom hos foreldre": "Psykisk sjukdom hos foreldre",
    "Rusmisbruk hos foreldre": "Rusmisbruk hos foreldre",
    "Samlivsbrudd": "Samlivsbrot",
    "Språkutfordringer": "Språkutfordringar",
    "Stille, tilbaketrukket eller utrygg": "Stille, tilbaketrekt eller utrygg",
    "Støttende nettverk rundt barnet og familien": "Støttande nettverk rundt barnet og familien",
    "Svak eller skadelig foreldrefungering": "Svak eller skadeleg foreldrefungering",
    "Svake sosiale ferdigheter": "Svake sosiale ferdigheiter",
    "Tegn på vold, overgrep eller alvorlig omsorgssvikt": "Teikn på vald, overgrep eller alvorleg omsorgssvikt",
    "Uavklart oppholdsstatus": "Uavklart opphaldsstatus",
    "Utviklingsforstyrrelse eller syndrom": "Utviklingsforstyrring eller syndrom",
    "Vansker med samspill, turtaking og å lese andre.": "Vanskar med samspel, turtaking og å lese andre.",
    "Vansker med å få venner": "Vanskar med å få vener",
    "Vi har dårlig råd, eller ingen av oss har arbeid": "Vi har dårleg råd, eller ingen av oss har arbeid",
    "Vi har familie eller venner som hjelper oss": "Vi har familie eller vener som hjelper oss",
    "Vi har flyttet mange ganger": "Vi har flytta mange gonger",
    "Vi har mye krangel og konflikt hjemme over lang tid": "Vi har mykje krangel og konflikt heime over lang tid",
    "Vi har nylig gått fra hverandre": "Vi har nyleg gått frå kvarandre",
    "Vurderingsverktøy – barnehage (1–5 år)": "Vurderingsverktøy – barnehage (1–5 år)",
    "Vurderingsverktøy – barneskole (6–12 år)": "Vurderingsverktøy – barneskule (6–12 år)",
    "Vurderingsverktøy – ungdomsskole (13–16 år)": "Vurderingsverktøy – ungdomsskule (13–16 år)",
}
