"""The second half of "questions are posts" (0002): with every question's post in place, the
new links become required and the columns that moved to the post go. A migration of its own,
because PostgreSQL cannot alter a table in the transaction that just filled it."""

from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    dependencies = [
        ("livechat", "0002_questions_are_posts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="chatsession",
            name="thread",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="chat",
                to="dialogues.thread",
            ),
        ),
        migrations.AlterField(
            model_name="question",
            name="post",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="question",
                to="dialogues.post",
            ),
        ),
        migrations.RemoveIndex(
            model_name="question",
            name="livechat_qu_session_c60ae2_idx",
        ),
        migrations.RemoveField(model_name="question", name="reference"),
        migrations.RemoveField(model_name="question", name="submission_token"),
        migrations.RemoveField(model_name="question", name="display_name"),
        migrations.RemoveField(model_name="question", name="text"),
        migrations.RemoveField(model_name="question", name="client_hash"),
        migrations.RemoveField(model_name="question", name="language"),
        migrations.RemoveField(model_name="question", name="screening"),
        migrations.RemoveField(model_name="question", name="priority"),
        migrations.RemoveField(model_name="question", name="created_at"),
        migrations.AlterModelOptions(
            name="question",
            options={"ordering": ["pk"], "verbose_name": "question", "verbose_name_plural": "questions"},
        ),
        migrations.AddIndex(
            model_name="question",
            index=models.Index(fields=["session", "status"], name="livechat_qu_session_a9380e_idx"),
        ),
        # Approvals and rejections are moderation decisions now (moved above); the steps
        # that remain are the chat's own and cite no rules.
        migrations.RemoveField(model_name="questionstep", name="rule_set"),
        migrations.RemoveField(model_name="questionstep", name="rules"),
        migrations.AlterField(
            model_name="questionstep",
            name="kind",
            field=models.CharField(
                choices=[
                    ("assign", "Assigned"),
                    ("answer", "Answered"),
                    ("publish", "Published"),
                    ("return", "Answer returned to the politician"),
                    ("not_reached", "Not reached"),
                ],
                max_length=16,
            ),
        ),
    ]
