"""Every user already in a ressursteam's group becomes a member of the team (role: member).

Before this, a team's members were only the users of its group; TeamMember now names them with a role, and
teams.workflow keeps the group in step with it.
"""

from django.db import migrations


def members_from_groups(apps, schema_editor):
    Ressursteam = apps.get_model("teams", "Ressursteam")
    TeamMember = apps.get_model("teams", "TeamMember")
    for team in Ressursteam.objects.select_related("group"):
        for user in team.group.user_set.all():
            TeamMember.objects.get_or_create(team=team, user=user, defaults={"role": "member"})


class Migration(migrations.Migration):
    dependencies = [("teams", "0003_referrals_meetings_decisions")]

    operations = [migrations.RunPython(members_from_groups, migrations.RunPython.noop)]
