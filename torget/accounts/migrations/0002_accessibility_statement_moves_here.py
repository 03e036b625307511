"""The accessibility statement moves from core to accounts, beside the authority it belongs to
(core is the shared kernel and holds no domain records; docs/decisions/0004). The rows stay:
the model is handed over in Django's state only, then its table is renamed."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("core", "0001_accessibility_statement"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.CreateModel(
            name='AccessibilityStatement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('compliance', models.CharField(choices=[('full', 'Fully compliant'), ('partial', 'Partially compliant'), ('none', 'Not compliant')], default='partial', help_text='How far the site meets WCAG 2.1 level AA (EN 301 549).', max_length=8, verbose_name='compliance status')),
                ('known_defects', models.TextField(blank=True, help_text='One item per line: what does not work, for whom, and when it is fixed.', verbose_name='content that is not accessible, and why')),
                ('disproportionate_burden', models.TextField(blank=True, help_text='One item per line, with the reason. Leave empty if nothing is exempted.', verbose_name='exempt as a disproportionate burden')),
                ('assessment_method', models.TextField(blank=True, help_text='For example a self-assessment, an external audit, or user testing.', verbose_name='how the authority assessed the site')),
                ('was_tool_url', models.URLField(blank=True, help_text="Denmark: the statement's address at was.digst.dk.", verbose_name='statement in WAS-Tool')),
                ('feedback_email', models.EmailField(max_length=254, verbose_name='e-mail for accessibility feedback')),
                ('feedback_phone', models.CharField(blank=True, help_text='Required in Denmark, together with written contact.', max_length=40, verbose_name='telephone for accessibility feedback')),
                ('defect_report_url', models.URLField(blank=True, help_text='Optional: a web form; without it, reports go to the e-mail address.', verbose_name='form for reporting defects')),
                ('prepared_on', models.DateField(verbose_name='statement prepared on')),
                ('updated_on', models.DateField(help_text='Update at least once a year.', verbose_name='statement last updated on')),
                ('assessed_on', models.DateField(verbose_name='site last assessed on')),
                ('organisation', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='accessibility_statement', to='accounts.organisation', verbose_name='organisation')),
            ],
            options={
                'db_table': 'core_accessibilitystatement',
                'verbose_name': 'accessibility statement',
                'verbose_name_plural': 'accessibility statements',
            },
        ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="accessibilitystatement", table=None),
    ]
