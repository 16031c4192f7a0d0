"""Fill in the Nynorsk texts of the shipped instruments, and take the thresholds off the guardians' tool.

Every instrument, group and factor whose Bokmål text is one the app shipped (version 1, and later versions that
kept the text) gets the shipped Nynorsk text, unless it has one. Guardians' instruments lose their own thresholds:
from now on they are scored by their age group's staff tool, so the same ticks give the same recommendation.

Published versions are frozen by triggers (no UPDATE of a published instrument, group or factor). This migration
disables them for its own transaction only, because adding a translation and moving the thresholds does not change
what any screening was scored against: every submission stores its own points and recommendation. The triggers are
enabled again before the transaction commits, and stay in force for everything else.
"""

from django.db import migrations

# The frozen-when-published triggers from 0001_initial, by table.
FROZEN_TRIGGERS = {
    "screening_instrument": "pgtrigger_published_is_frozen_1a686",
    "screening_factorgroup": "pgtrigger_frozen_when_published_13f9e",
    "screening_factor": "pgtrigger_frozen_when_published_0955b",
}
# What migration 0002 gave the guardians' tools, for going back.
OLD_GUARDIAN_THRESHOLDS = {"avklaring_threshold": 2, "ressursteam_threshold": 5}


def _set_triggers(schema_editor, state):
    # Deferred foreign-key checks queued by earlier writes in the transaction would block ALTER TABLE: run them now.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table, trigger in FROZEN_TRIGGERS.items():
        schema_editor.execute(f"ALTER TABLE {table} {state} TRIGGER {trigger}")


def _fill(model, pairs, nynorsk):
    """Set each `field_nn` that is empty to the shipped Nynorsk text of its field's Bokmål text."""
    for field in pairs:
        for nb, nn in nynorsk.items():
            model.objects.filter(**{field: nb, f"{field}_nn": ""}).update(**{f"{field}_nn": nn})


def forwards(apps, schema_editor):
    from screening.migrations._nynorsk_texts_0004 import NYNORSK as nynorsk

    _set_triggers(schema_editor, "DISABLE")
    _fill(apps.get_model("screening", "Instrument"), ("title", "introduction"), nynorsk)
    _fill(apps.get_model("screening", "FactorGroup"), ("title",), nynorsk)
    _fill(apps.get_model("screening", "Factor"), ("label", "help_text"), nynorsk)
    apps.get_model("screening", "Instrument").objects.filter(audience="guardian").update(
        avklaring_threshold=None, ressursteam_threshold=None
    )
    _set_triggers(schema_editor, "ENABLE")


def backwards(apps, schema_editor):
    _set_triggers(schema_editor, "DISABLE")
    apps.get_model("screening", "Instrument").objects.filter(audience="guardian").update(**OLD_GUARDIAN_THRESHOLDS)
    _set_triggers(schema_editor, "ENABLE")


class Migration(migrations.Migration):
    dependencies = [("screening", "0003_nynorsk_texts_and_staff_thresholds")]

    operations = [migrations.RunPython(forwards, backwards)]
