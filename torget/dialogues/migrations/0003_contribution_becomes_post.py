"""Contributions become posts: the one record of everything a citizen says to the authority
(docs/decisions/0004-one-post-one-moderation.md). The table is renamed, not copied, so every
contribution keeps its primary key and the archive entries, holds and exports that name it stay
true. Each post gets its authority and channel (all existing ones came by the website)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def give_posts_their_authority(apps, schema_editor):
    Post = apps.get_model("dialogues", "Post")
    Dialogue = apps.get_model("dialogues", "Dialogue")
    for dialogue_id, organisation_id in Dialogue.objects.values_list("pk", "organisation_id"):
        Post.objects.filter(dialogue_id=dialogue_id).update(organisation_id=organisation_id)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("dialogues", "0002_contribution_page_order_index"),
        # Moderation's tables point at contributions; they are made before the rename.
        ("moderation", "0002_reviews_blocks_threats"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("Contribution", "Post"),
        migrations.AlterModelOptions(
            name="post",
            options={
                "ordering": ["created_at", "pk"],
                "verbose_name": "post",
                "verbose_name_plural": "posts",
            },
        ),
        migrations.AlterField(
            model_name="post",
            name="dialogue",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="posts",
                to="dialogues.dialogue",
            ),
        ),
        migrations.AddField(
            model_name="post",
            name="organisation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AddField(
            model_name="post",
            name="channel",
            field=models.CharField(
                choices=[("web", "Torget's website"), ("offline", "Typed in by staff")],
                default="web",
                max_length=16,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="post",
            name="received_via",
            field=models.CharField(
                blank=True,
                choices=[
                    ("meeting", "At a citizens' meeting"),
                    ("letter", "By letter"),
                    ("phone", "By telephone"),
                    ("email", "By e-mail"),
                    ("in_person", "In person"),
                ],
                max_length=16,
                verbose_name="received",
            ),
        ),
        migrations.AddField(
            model_name="post",
            name="received_on",
            field=models.DateField(blank=True, null=True, verbose_name="received on"),
        ),
        migrations.AddField(
            model_name="post",
            name="entered_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="post",
            name="submission_token",
            field=models.UUIDField(blank=True, null=True, unique=True),
        ),
        migrations.RunPython(give_posts_their_authority, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="post",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.RenameIndex(
            model_name="post",
            new_name="dialogues_p_dialogu_4dcd6e_idx",
            old_name="dialogues_c_dialogu_b0c903_idx",
        ),
        migrations.RenameIndex(
            model_name="post",
            new_name="dialogues_p_status_f25729_idx",
            old_name="dialogues_c_status_460913_idx",
        ),
        migrations.AddConstraint(
            model_name="post",
            constraint=models.CheckConstraint(
                condition=models.Q(("channel", "offline"), ("received_on__isnull", False))
                | models.Q(("channel", "offline"), _negated=True),
                name="offline_post_has_its_date",
            ),
        ),
    ]
