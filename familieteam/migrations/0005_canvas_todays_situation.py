"""Samtaleduk 2 gets its column "Today's situation" (Dagens situasjon), between what is important to us and what we
do now, as on the paper canvas (DOMAIN.md). A new choice: existing cells keep theirs."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("familieteam", "0004_one_planned_meeting_per_team"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="canvascell",
            name="canvascell_column_valid",
        ),
        migrations.AlterField(
            model_name="canvascell",
            name="column",
            field=models.CharField(
                choices=[
                    ("works", "What works for us"),
                    ("hard", "What is hard for us"),
                    ("important", "What is important to us"),
                    ("situation", "Today's situation"),
                    ("now", "This we do now"),
                    ("short_goal", "Short-term goal (by date)"),
                    ("long_goal", "Long-term goal (by date)"),
                    ("dream", "… because we dream of"),
                    ("helpers", "Who can help us"),
                ],
                max_length=12,
                verbose_name="column",
            ),
        ),
        migrations.AddConstraint(
            model_name="canvascell",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "column__in",
                        [
                            "works",
                            "hard",
                            "important",
                            "situation",
                            "now",
                            "short_goal",
                            "long_goal",
                            "dream",
                            "helpers",
                        ],
                    )
                ),
                name="canvascell_column_valid",
            ),
        ),
    ]
