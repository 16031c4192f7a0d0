"""Every level-1 agreement becomes an action point of its conversation, owned by the name it was given."""

from django.db import migrations


def copy_agreements(apps, schema_editor):
    Agreement = apps.get_model("cases", "Agreement")
    ActionPoint = apps.get_model("cases", "ActionPoint")
    agreements = Agreement.objects.select_related("samtale__case").order_by("pk")
    ActionPoint.objects.bulk_create(
        (
            ActionPoint(
                family_id=agreement.samtale.case.family_id,
                samtale_id=agreement.samtale_id,
                what=agreement.what,
                owner_kind="other",
                owner_name=agreement.who,
                due=agreement.follow_up,
                status="open",
                created_by_id=agreement.samtale.created_by_id,
            )
            for agreement in agreements.iterator(chunk_size=2000)
        ),
        batch_size=1000,
    )


def copy_back(apps, schema_editor):
    Agreement = apps.get_model("cases", "Agreement")
    ActionPoint = apps.get_model("cases", "ActionPoint")
    points = ActionPoint.objects.filter(samtale__isnull=False).order_by("pk")
    Agreement.objects.bulk_create(
        (
            Agreement(samtale_id=point.samtale_id, what=point.what, who=point.owner_name, follow_up=point.due)
            for point in points.iterator(chunk_size=2000)
        ),
        batch_size=1000,
    )
    points.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_action_point_links"),
    ]

    operations = [
        migrations.RunPython(copy_agreements, copy_back),
    ]
