from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("screening", "0004_fill_nynorsk_texts")]

    operations = [
        migrations.AddConstraint(
            model_name='instrument',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('audience', 'staff'), ('avklaring_threshold__isnull', False), ('ressursteam_threshold__isnull', False)), models.Q(('audience', 'guardian'), ('avklaring_threshold__isnull', True), ('ressursteam_threshold__isnull', True)), _connector='OR'), name='instrument_thresholds_staff_only'),
        ),
    ]
