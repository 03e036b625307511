"""A rule set may be a draft (no publication time) and says from when it is in force."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('moderation', '0003_decisions_point_at_posts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='ruleset',
            name='in_force_from',
            field=models.DateTimeField(blank=True, null=True, verbose_name='in force from'),
        ),
        migrations.AlterField(
            model_name='ruleset',
            name='published_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
