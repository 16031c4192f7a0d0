from django.db import migrations

AVKLARING = """Vi ønsker å invitere dere til en samtale om {barn}.

Vi i {enhet} har gjort oss noen tanker om hvordan {barn} har det, og vil gjerne høre hvordan dere opplever det. \
Sammen kan vi finne ut hva som fungerer, hva som er vanskelig, og hva vi kan gjøre. Det er frivillig å delta, \
og dere bestemmer selv om andre tjenester skal involveres.

Tid: {tidspunkt}
Sted: {sted}

Gi gjerne beskjed om tidspunktet ikke passer, eller om dere ønsker tolk."""

FAMILIETEAM = """Vi inviterer til møte i familieteamet rundt {barn}.

Tid: {tidspunkt}
Sted: {sted}

På møtet ser vi på hvordan det har gått siden sist, og blir enige om hva vi gjør fram til neste møte."""


def add_letters(apps, schema_editor):
    LetterTemplate = apps.get_model("cases", "LetterTemplate")
    for kind, subject, body in (
        ("avklaring", "Invitasjon til samtale om {barn}", AVKLARING),
        ("familieteam", "Invitasjon til familieteammøte", FAMILIETEAM),
    ):
        LetterTemplate.objects.get_or_create(
            kind=kind,
            defaults={
                "letterhead": "Kommunen",
                "subject": subject,
                "body": body,
                "signature": "Med vennlig hilsen\n{avsender}\n{enhet}",
            },
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_avklaringssamtale_letters_deadline")]

    operations = [migrations.RunPython(add_letters, migrations.RunPython.noop)]
