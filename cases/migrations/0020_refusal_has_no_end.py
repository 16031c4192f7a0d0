"""A refusal has no end date: it stands until the guardian consents again (cases.consents.covered). Refusals recorded
with one before the form refused it lose it, so that they read as the rule reads them (the rule no longer lets a
refusal end, and with its end date shown the family page would say otherwise); then the database holds the rule."""

from django.db import migrations, models


def end_no_refusal(apps, schema_editor):
    apps.get_model("cases", "Consent").objects.filter(decision="refused", valid_to__isnull=False).update(valid_to=None)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0019_samtale_booked_and_moved"),
    ]

    operations = [
        migrations.RunPython(end_no_refusal, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="consent",
            constraint=models.CheckConstraint(
                condition=models.Q(("decision", "given"), ("valid_to__isnull", True), _connector="OR"),
                name="consent_refusal_no_end",
            ),
        ),
    ]
