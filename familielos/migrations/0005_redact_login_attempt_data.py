"""Failed logins kept the request's GET and POST data, and with it `next`: the page a person was sent back to,
which can be a family search (/familier/?q=<name>). AXES_SENSITIVE_PARAMETERS now masks it; this blanks what was
stored before. The rows still count for the lockout: only the request data goes."""

from django.db import migrations


def blank_request_data(apps, schema_editor):
    AccessAttempt = apps.get_model("axes", "AccessAttempt")
    AccessAttempt.objects.exclude(get_data="", post_data="").update(get_data="", post_data="")


class Migration(migrations.Migration):
    dependencies = [
        ("familielos", "0004_redact_access_event_query_strings"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(blank_request_data, migrations.RunPython.noop)]
