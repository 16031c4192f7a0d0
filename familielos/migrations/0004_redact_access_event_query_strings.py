"""Redact the query strings that access events stored with their address before this release.

Until now an access event kept the request's whole address, so a search such as `/familier/?q=Familien+Hansen`
put a family's name into the log of every family the search matched, readable by administrators with no grant on
that family. New events store the path only (familielos.audit). This migration cuts everything from the first `?`
out of the rows already written, once.

The table is append-only (a pgtrigger refuses UPDATE and DELETE). The duty to protect personal data outranks that
here, so the trigger is disabled for this one UPDATE and enabled again in the same transaction: no other session
ever sees it off (DISABLE TRIGGER holds a SHARE ROW EXCLUSIVE lock until commit, so writers wait), and it keeps
guarding the table for everything else. On a large table, run it in a maintenance window. Reversing the migration restores nothing: the redacted text is gone on purpose.
"""

from django.db import migrations

TABLE = "familielos_accessevent"


def redact_query_strings(apps, schema_editor):
    """Keep only the part of each stored address before its query string."""
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        # pgtrigger names it pgtrigger_<name>_<hash>.
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname LIKE 'pgtrigger\\_append\\_only\\_%%'",
            [TABLE],
        )
        triggers = [quote(name) for (name,) in cursor.fetchall()]
        for trigger in triggers:
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {trigger}")
        cursor.execute(f"UPDATE {TABLE} SET path = split_part(path, '?', 1) WHERE strpos(path, '?') > 0")
        for trigger in triggers:
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {trigger}")


class Migration(migrations.Migration):
    dependencies = [
        ("familielos", "0003_accessevent_actor_index"),
    ]

    operations = [
        migrations.RunPython(redact_query_strings, migrations.RunPython.noop, elidable=False),
    ]
