"""Reasons the workflow wrote as text (in the language active at the time) become codes with parameters.

They are then shown in each reader's language. Only texts that match the workflow's own sentences in English,
Bokmål or Nynorsk are changed; what people typed stays as typed. The linked Stafettlogg entries lose the same
text, since they show the change's reason.
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

CONSENT_TEAM = {
    "The guardians' consent no longer covers the ressursteam, so the case can no longer be shared there.",
    "De foresattes samtykke dekker ikke lenger ressursteamet, så saken kan ikke lenger deles der.",
    "Samtykket frå dei føresette dekkjer ikkje lenger ressursteamet, så saka kan ikkje lenger delast der.",
}
BOOKED = re.compile(
    r"^(?:Clarifying conversation booked for|Avklaringssamtale er avtalt til) (\d\d\.\d\d\.\d{4} \d\d:\d\d)\.$"
)


def code_reasons(apps, schema_editor):
    LevelChange = apps.get_model("cases", "LevelChange")
    Entry = apps.get_model("stafettlogg", "Entry")
    zone = ZoneInfo(settings.TIME_ZONE)
    coded = []
    for change in LevelChange.objects.filter(reason_code="").only("pk", "reason"):
        if change.reason in CONSENT_TEAM:
            change.reason_code, change.reason_params = "consent_team", {}
        elif match := BOOKED.match(change.reason):
            when = datetime.strptime(match.group(1), "%d.%m.%Y %H:%M").replace(tzinfo=zone)
            change.reason_code, change.reason_params = "samtale_booked", {"when": when.isoformat()}
        else:
            continue
        change.reason = ""
        coded.append(change)
    LevelChange.objects.bulk_update(coded, ["reason", "reason_code", "reason_params"], batch_size=1000)
    Entry.objects.filter(level_change__in=[change.pk for change in coded]).update(text="")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_levelchange_reason_code"),
        ("stafettlogg", "0002_entry_level_change"),
    ]

    operations = [migrations.RunPython(code_reasons, migrations.RunPython.noop)]
