"""A "Ny familie" form sent twice is now caught as every other form is, by its claimed post (familielos.once and
its table): the family no longer keeps the form's key."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0017_family_registered_once'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='family',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='family',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='family',
            name='delete_delete',
        ),
        migrations.RemoveConstraint(
            model_name='family',
            name='family_registered_once',
        ),
        migrations.RemoveField(
            model_name='familyevent',
            name='registration',
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='family',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "cases_familyevent" ("created_at", "created_by_id", "id", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (NEW."created_at", NEW."created_by_id", NEW."id", NEW."name", _pgh_attach_context(), NOW(), \'insert\', NEW."id"); RETURN NULL;', hash='89db979bf778a8a12eebcc16e259ef478b9959f3', operation='INSERT', pgid='pgtrigger_insert_insert_74378', table='cases_family', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='family',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "cases_familyevent" ("created_at", "created_by_id", "id", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (NEW."created_at", NEW."created_by_id", NEW."id", NEW."name", _pgh_attach_context(), NOW(), \'update\', NEW."id"); RETURN NULL;', hash='0006877accc68775fd21ee28e193a6948e6639f5', operation='UPDATE', pgid='pgtrigger_update_update_6ab1c', table='cases_family', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='family',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "cases_familyevent" ("created_at", "created_by_id", "id", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (OLD."created_at", OLD."created_by_id", OLD."id", OLD."name", _pgh_attach_context(), NOW(), \'delete\', OLD."id"); RETURN NULL;', hash='7538a00da7825fc0aeb898fa6915635407842c29', operation='DELETE', pgid='pgtrigger_delete_delete_d5d35', table='cases_family', when='AFTER')),
        ),
        migrations.RemoveField(
            model_name='family',
            name='registration',
        ),
    ]
