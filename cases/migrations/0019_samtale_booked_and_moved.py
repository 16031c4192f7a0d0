"""The case history says when a clarifying conversation is booked at level 1, and when a booked one is moved."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0018_family_registration_by_sent_form'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='levelchange',
            name='levelchange_reason_code_valid_and_alone',
        ),
        migrations.AlterField(
            model_name='levelchange',
            name='kind',
            field=models.CharField(choices=[('opened', 'Opened'), ('up', 'Moved up'), ('down', 'Moved down'), ('closed', 'Closed'), ('reopened', 'Reopened'), ('reported', 'Reported to barnevern'), ('concern', 'New concern'), ('booked', 'Conversation booked'), ('recorded', 'Conversation recorded'), ('referral', 'Ressursteam')], max_length=10, verbose_name='change'),
        ),
        migrations.AlterField(
            model_name='levelchange',
            name='reason_code',
            field=models.CharField(blank=True, choices=[('samtale_booked', 'Clarifying conversation booked'), ('samtale_moved', 'Clarifying conversation moved'), ('samtale_recorded', 'Clarifying conversation recorded'), ('samtale_updated', 'Clarifying conversation record changed'), ('consent_team', 'Consent no longer covers the ressursteam'), ('consent_familielos', "Consent no longer covers the familielos's service"), ('referral_withdrawn', 'Referral withdrawn'), ('referral_returned', 'Referral returned with a question'), ('referral_answered', "The team's question answered"), ('decided_other_service', 'Decided: another service'), ('familielos_awaits_consent', 'Familielos decided, waiting for consent'), ('screening', 'Screening')], max_length=30, verbose_name='reason code'),
        ),
        migrations.AddConstraint(
            model_name='levelchange',
            constraint=models.CheckConstraint(condition=models.Q(('reason_code', ''), models.Q(('reason', ''), ('reason_code__in', ['samtale_booked', 'samtale_moved', 'samtale_recorded', 'samtale_updated', 'consent_team', 'consent_familielos', 'referral_withdrawn', 'referral_returned', 'referral_answered', 'decided_other_service', 'familielos_awaits_consent', 'screening'])), _connector='OR'), name='levelchange_reason_code_valid_and_alone'),
        ),
    ]
