"""A chat question becomes a citizen's post with the chat's side beside it
(docs/decisions/0004-one-post-one-moderation.md).

Each chat gets a thread; each question's text, name, token, screening and reference move to a
new post of channel "chat" in the chat's dialogue and thread, and the question keeps its primary
key (so the archive entries that name it stay true), its place in the chat, its answers and its
steps. The moderators' approvals and rejections recorded as chat steps become moderation
decisions, as every post's are now; so does handing a waiting question to a politician when that
was its first decision. Nothing is dropped: every value is copied before its column goes, and
the archive is not touched.
"""

import django.db.models.deletion
from django.db import migrations, models

# Where a question stood in the chat, as a post's moderation status.
APPROVED_IN_CHAT = {"approved", "assigned", "answered", "published"}


def _rule_set_at(RuleSet, organisation_id, at):
    in_force = (
        RuleSet.objects.filter(organisation_id=organisation_id, published_at__lte=at)
        .order_by("-version")
        .first()
    )
    return in_force or RuleSet.objects.filter(organisation_id=organisation_id).order_by(
        "version"
    ).first()


def questions_become_posts(apps, schema_editor):
    ChatSession = apps.get_model("livechat", "ChatSession")
    Question = apps.get_model("livechat", "Question")
    QuestionStep = apps.get_model("livechat", "QuestionStep")
    Thread = apps.get_model("dialogues", "Thread")
    Post = apps.get_model("dialogues", "Post")
    Decision = apps.get_model("moderation", "Decision")
    RuleSet = apps.get_model("moderation", "RuleSet")

    for chat in ChatSession.objects.select_related("dialogue").order_by("pk"):
        chat.thread = Thread.objects.create(
            organisation_id=chat.dialogue.organisation_id,
            dialogue_id=chat.dialogue_id,
            kind="chat",
            title=chat.title,
        )
        chat.save(update_fields=["thread"])

    questions = Question.objects.select_related("session__dialogue", "session__thread")
    for question in questions.order_by("pk"):
        steps = list(QuestionStep.objects.filter(question=question).order_by("at", "pk"))
        decided = [step for step in steps if step.kind in ("approve", "reject", "assign")]
        if question.status in APPROVED_IN_CHAT:
            status = "approved"
        elif question.status == "rejected":
            status = "rejected"
        else:  # pending, or not reached: approved only if someone had approved it
            status = "approved" if decided and decided[0].kind != "reject" else "pending"
        dialogue = question.session.dialogue
        post = Post.objects.create(
            organisation_id=dialogue.organisation_id,
            channel="chat",
            dialogue_id=dialogue.pk,
            thread_id=question.session.thread_id,
            reference=question.reference,
            submission_token=question.submission_token,
            display_name=question.display_name,
            text=question.text,
            client_hash=question.client_hash,
            language=question.language,
            status=status,
            screening=question.screening,
            priority=question.priority,
            created_at=question.created_at,
        )
        question.post = post
        question.save(update_fields=["post"])
        approved_before = False
        for step in decided:
            if step.kind == "assign" and approved_before:
                continue  # handing it on to another politician is not a new decision
            kind = "reject" if step.kind == "reject" else "approve"
            rule_set = step.rule_set or _rule_set_at(RuleSet, dialogue.organisation_id, step.at)
            decision = Decision.objects.create(
                contribution=post,
                kind=kind,
                moderator_id=step.actor_id,
                decided_at=step.at,
                rule_set=rule_set,
                note=step.note,
            )
            decision.rules.set(step.rules.all())
            approved_before = kind == "approve"
            if step.kind != "assign":
                step.rules.clear()
                step.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dialogues", "0004_threads_and_chat_posts"),
        ("livechat", "0001_initial"),
        ("moderation", "0003_decisions_point_at_posts"),
    ]

    operations = [
        migrations.AddField(
            model_name="chatsession",
            name="thread",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="chat",
                to="dialogues.thread",
            ),
        ),
        migrations.AddField(
            model_name="question",
            name="post",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="question",
                to="dialogues.post",
            ),
        ),
        migrations.AlterField(
            model_name="question",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Awaiting moderation"),
                    ("approved", "Approved, not yet assigned"),
                    ("assigned", "Assigned to a politician"),
                    ("answered", "Answered, awaiting review"),
                    ("published", "Published with its answer"),
                    ("rejected", "Not published"),
                    ("referred", "Referred to customer service"),
                    ("not_reached", "Not reached before the chat closed"),
                ],
                max_length=16,
            ),
        ),
        migrations.RunPython(questions_become_posts, migrations.RunPython.noop),
    ]
