"""Only now that every published version has a start can the database insist on one."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0005_every_authority_has_rules_in_force"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='ruleset',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('in_force_from__isnull', True), ('published_at__isnull', True)), models.Q(('in_force_from__isnull', False), ('published_at__isnull', False)), _connector='OR'), name='rule_set_published_with_start'),
        ),
        migrations.AddConstraint(
            model_name='ruleset',
            constraint=models.UniqueConstraint(condition=models.Q(('published_at__isnull', True)), fields=('organisation',), name='rule_set_one_draft'),
        ),
    ]
