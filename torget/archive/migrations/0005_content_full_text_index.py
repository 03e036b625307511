from django.db import migrations

# The expression must match what django.contrib.postgres's SearchVector("search_text",
# config="simple") compiles to, or PostgreSQL will not use the index (archive/queries.py).
CREATE = (
    "CREATE INDEX IF NOT EXISTS archive_content_search_gin ON archive_archivecontent "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text, '')))"
)
DROP = "DROP INDEX IF EXISTS archive_content_search_gin"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("archive", "0004_records_requests")]

    operations = [migrations.RunPython(forwards, backwards)]
