"""At most one planned meeting per familieteam, as workflow.plan_meeting already refuses a second: the desk reads
each team's one planned meeting."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("familieteam", "0003_teams_for_cases_at_level_3"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="familieteammeeting",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "planned")), fields=("team",), name="ftmeeting_one_planned"
            ),
        ),
    ]
