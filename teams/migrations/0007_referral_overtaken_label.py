"""The English label of a referral closed because its case left the team another way reads as the nb and nn ones do
(it said "moved on"). Labels only: no change in the database."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("teams", "0006_referral_waiting_since"),
    ]

    operations = [
        migrations.AlterField(
            model_name="referral",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("sent", "Sent"),
                    ("on_agenda", "On the agenda"),
                    ("returned", "Returned with a question"),
                    ("decided", "Decided"),
                    ("withdrawn", "Withdrawn"),
                    ("overtaken", "Closed: the case left the team"),
                ],
                default="draft",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="referralevent",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("sent", "Sent"),
                    ("on_agenda", "On the agenda"),
                    ("returned", "Returned with a question"),
                    ("decided", "Decided"),
                    ("withdrawn", "Withdrawn"),
                    ("overtaken", "Closed: the case left the team"),
                ],
                default="draft",
                max_length=10,
                verbose_name="status",
            ),
        ),
    ]
