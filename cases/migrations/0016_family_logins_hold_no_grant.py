"""The family's own logins read their own pages (portal), not the staff's: remove the read grants they held."""

from django.db import migrations
from django.db.models import Exists, OuterRef


def remove_family_login_grants(apps, schema_editor):
    FamilyUserObjectPermission = apps.get_model("cases", "FamilyUserObjectPermission")
    Person = apps.get_model("cases", "Person")
    Case = apps.get_model("cases", "Case")
    own_family_login = Person.objects.filter(family_id=OuterRef("content_object_id"), user_id=OuterRef("user_id"))
    opened_a_case = Case.objects.filter(family_id=OuterRef("content_object_id"), opened_by_id=OuterRef("user_id"))
    FamilyUserObjectPermission.objects.filter(Exists(own_family_login)).exclude(Exists(opened_a_case)).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0015_batons_for_cases_past_level_0")]

    operations = [migrations.RunPython(remove_family_login_grants, migrations.RunPython.noop)]
