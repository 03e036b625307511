"""Posts can come from a live chat, and belong to a thread beside the dialogue's own page
(docs/decisions/0004-one-post-one-moderation.md)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("dialogues", "0003_contribution_becomes_post"),
    ]

    operations = [
        migrations.CreateModel(
            name="Thread",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(choices=[("chat", "Live chat")], max_length=16)),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                (
                    "dialogue",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="threads",
                        to="dialogues.dialogue",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.organisation",
                    ),
                ),
            ],
            options={"ordering": ["pk"]},
        ),
        migrations.AddField(
            model_name="post",
            name="thread",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="posts",
                to="dialogues.thread",
            ),
        ),
        migrations.AlterField(
            model_name="post",
            name="channel",
            field=models.CharField(
                choices=[
                    ("web", "Torget's website"),
                    ("offline", "Typed in by staff"),
                    ("chat", "Live chat"),
                ],
                max_length=16,
            ),
        ),
    ]
