"""The accessibility statement is accounts' now (see accounts/0002); its rows stay where they
are, only Django's record of which app owns the model changes here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_accessibility_statement"),
        ("accounts", "0002_accessibility_statement_moves_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AccessibilityStatement")],
            database_operations=[],
        ),
    ]
