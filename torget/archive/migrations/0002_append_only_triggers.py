from django.db import migrations

from torget.archive import triggers


def forwards(apps, schema_editor):
    apps.get_model("archive", "ChainHead").objects.get_or_create(pk=1)
    triggers.install(schema_editor.connection)


def backwards(apps, schema_editor):
    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_append_only_log")]

    operations = [migrations.RunPython(forwards, backwards)]
