"""When a referral began to wait for the team: when it was sent, or, for one answered after the team's question,
when the answer came. The history holds that: the first event in which it is sent with its present answer. Without
such an event (history kept only since later), its last change stands in, which is never earlier."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest


def fill_waiting_since(apps, schema_editor):
    Referral = apps.get_model("teams", "Referral")
    ReferralEvent = apps.get_model("teams", "ReferralEvent")
    sent = Referral.objects.filter(sent_at__isnull=False)
    sent.filter(answer="").update(waiting_since=F("sent_at"))
    answered = (
        ReferralEvent.objects.filter(pgh_obj_id=OuterRef("pk"), status="sent", answer=OuterRef("answer"))
        .order_by("pgh_created_at")
        .values("pgh_created_at")[:1]
    )
    sent.exclude(answer="").update(waiting_since=Coalesce(Subquery(answered), Greatest("sent_at", "updated_at")))


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0017_family_registered_once'),
        ('familielos', '0006_sent_form'),
        ('screening', '0005_thresholds_on_the_staff_tool_only'),
        ('teams', '0005_referral_overtaken'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='referral',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='referral',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='referral',
            name='delete_delete',
        ),
        migrations.AddField(
            model_name='referral',
            name='waiting_since',
            field=models.DateTimeField(blank=True, null=True, verbose_name='waiting since'),
        ),
        migrations.AddField(
            model_name='referralevent',
            name='waiting_since',
            field=models.DateTimeField(blank=True, null=True, verbose_name='waiting since'),
        ),
        # While the history triggers are off: filling the new column is not a change anyone made.
        migrations.RunPython(fill_waiting_since, migrations.RunPython.noop),
        pgtrigger.migrations.AddTrigger(
            model_name='referral',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "teams_referralevent" ("answer", "case_id", "child_view", "created_at", "guardian_view", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "question", "returned_question", "samtale_id", "screening_id", "sender_id", "sent_at", "status", "team_id", "tried", "unit_id", "updated_at", "urgency", "version", "waiting_since") VALUES (NEW."answer", NEW."case_id", NEW."child_view", NEW."created_at", NEW."guardian_view", NEW."id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."question", NEW."returned_question", NEW."samtale_id", NEW."screening_id", NEW."sender_id", NEW."sent_at", NEW."status", NEW."team_id", NEW."tried", NEW."unit_id", NEW."updated_at", NEW."urgency", NEW."version", NEW."waiting_since"); RETURN NULL;', hash='7d18a14bcb4d1d3199baba222cc7d7ed2267385c', operation='INSERT', pgid='pgtrigger_insert_insert_3e4e5', table='teams_referral', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='referral',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "teams_referralevent" ("answer", "case_id", "child_view", "created_at", "guardian_view", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "question", "returned_question", "samtale_id", "screening_id", "sender_id", "sent_at", "status", "team_id", "tried", "unit_id", "updated_at", "urgency", "version", "waiting_since") VALUES (NEW."answer", NEW."case_id", NEW."child_view", NEW."created_at", NEW."guardian_view", NEW."id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."question", NEW."returned_question", NEW."samtale_id", NEW."screening_id", NEW."sender_id", NEW."sent_at", NEW."status", NEW."team_id", NEW."tried", NEW."unit_id", NEW."updated_at", NEW."urgency", NEW."version", NEW."waiting_since"); RETURN NULL;', hash='fad9e52a429fc93dcdc20487846657213a66dd51', operation='UPDATE', pgid='pgtrigger_update_update_afba4', table='teams_referral', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='referral',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "teams_referralevent" ("answer", "case_id", "child_view", "created_at", "guardian_view", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "question", "returned_question", "samtale_id", "screening_id", "sender_id", "sent_at", "status", "team_id", "tried", "unit_id", "updated_at", "urgency", "version", "waiting_since") VALUES (OLD."answer", OLD."case_id", OLD."child_view", OLD."created_at", OLD."guardian_view", OLD."id", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."question", OLD."returned_question", OLD."samtale_id", OLD."screening_id", OLD."sender_id", OLD."sent_at", OLD."status", OLD."team_id", OLD."tried", OLD."unit_id", OLD."updated_at", OLD."urgency", OLD."version", OLD."waiting_since"); RETURN NULL;', hash='ec23ac90f9aded7acc0febdf3e831fef239492d8', operation='DELETE', pgid='pgtrigger_delete_delete_ca123', table='teams_referral', when='AFTER')),
        ),
        migrations.AddConstraint(
            model_name='referral',
            constraint=models.CheckConstraint(condition=models.Q(('sent_at__isnull', True), ('waiting_since__isnull', False), _connector='OR'), name='referral_sent_waits_since'),
        ),
    ]
