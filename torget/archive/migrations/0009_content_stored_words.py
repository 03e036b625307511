from django.db import migrations

# PostgreSQL keeps each content's words as a stored tsvector beside its text, indexed instead
# of the expression (migration 0005). A search that walks entries checks every one it passes,
# and computing to_tsvector for each of them made even a common word's capped count slow;
# reading the stored words is far cheaper. queries.StoredWords reads the column; the model does
# not know it, so Django never writes it, and the content's UPDATE trigger is not involved (the
# rewrite of ALTER TABLE fires no row triggers). SQLite searches with LIKE and has no such column.
WORDS = "to_tsvector('simple'::regconfig, COALESCE(search_text, ''))"
FORWARDS = (
    "ALTER TABLE archive_archivecontent ADD COLUMN IF NOT EXISTS search_words tsvector "
    f"GENERATED ALWAYS AS ({WORDS}) STORED",
    "CREATE INDEX IF NOT EXISTS archive_content_words_gin ON archive_archivecontent "
    "USING gin (search_words)",
    "DROP INDEX IF EXISTS archive_content_search_gin",
)
BACKWARDS = (
    "CREATE INDEX IF NOT EXISTS archive_content_search_gin ON archive_archivecontent "
    f"USING gin ({WORDS})",
    "DROP INDEX IF EXISTS archive_content_words_gin",
    "ALTER TABLE archive_archivecontent DROP COLUMN IF EXISTS search_words",
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARDS:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARDS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("archive", "0008_organisation_time_seq_index")]

    operations = [migrations.RunPython(forwards, backwards)]
