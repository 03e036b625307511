"""Thin views: validate with a form, fetch through a getter, act through an action.

The consoles work as plain pages with forms; ``live.js`` makes them live. A step sent by
``live.js`` asks for JSON (``Accept: application/json``) and gets the same message a
redirect would have flashed, with the status code saying whether it happened.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from torget.accounts.decorators import staff_required
from torget.accounts.http import StaffRequest, TorgetRequest
from torget.accounts.models import User
from torget.core.clients import client_hash, keyed_hash
from torget.dialogues.presentation import public_name, public_text, screening_view
from torget.dialogues.queries import get_dialogue_for
from torget.livechat import actions
from torget.livechat.forms import (
    AnswerForm,
    AssignForm,
    ChatSessionForm,
    QuestionForm,
    RejectForm,
    ReturnForm,
)
from torget.livechat.models import (
    DONE_STATUSES,
    Answer,
    ChatSession,
    PanelSeat,
    Question,
    QuestionStatus,
)
from torget.livechat.permissions import (
    can_answer,
    can_create_chat,
    can_moderate_chat,
    is_on_panel,
)
from torget.livechat.presentation import panel_counters
from torget.livechat.queries import (
    chats_of,
    get_chat_for_staff,
    get_chat_to_edit,
    get_public_chat,
    get_question_in,
    public_chat_facts,
    published_pairs,
    waiting_questions,
)
from torget.moderation import web_intake
from torget.moderation.queries import RuleNotInForce, rule_set_in_force
from torget.moderation.views import rule_not_in_force_message
from torget.realtime import queries as stream_queries
from torget.realtime.sse import sse_response

VOTER_COOKIE = "torget_voter"
HANDLED_SHOWN = 20


def _organisation(request: TorgetRequest) -> Any:
    if request.organisation is None:
        raise Http404
    return request.organisation


# The public side ---------------------------------------------------------------------------


def _window(chat: ChatSession) -> str:
    """Where the chat stands now: "before" its opening (questions are taken already), "open",
    or "closed"."""
    now = timezone.now()
    if not actions.accepts_questions(chat, now):
        return "closed"
    return "before" if now < chat.opens_at else "open"


def _page_context(
    request: TorgetRequest, chat: ChatSession, form: QuestionForm | None = None
) -> dict[str, Any]:
    # The head is read before the pairs: an event in between is then both on the page and
    # in the stream, and live.js skips what the page already shows. The other order could
    # miss it.
    head = stream_queries.head(chat.public_stream)
    window = _window(chat)
    if window != "closed" and form is None:
        form = QuestionForm(max_length=chat.question_max_length)
    pairs = published_pairs(chat)
    waiting = (
        [
            {"question": question, "question_text": public_text(question)}
            for question in waiting_questions(chat).select_related("session")
        ]
        if chat.upvotes_enabled and window != "closed"
        else []
    )
    return {
        "chat": chat,
        "dialogue": chat.dialogue,
        "window": window,
        "form": form if window != "closed" else None,
        "pairs": pairs,
        "waiting": waiting,
        "panel": actions.seated(chat),
        # The chat's permanent address, printed on the projector and in the transcript.
        "page_address": request.build_absolute_uri(reverse("livechat:page", args=[chat.slug])),
        "live_url": f"{reverse('livechat:live', args=[chat.slug])}?last_event_id={head}",
    }


def chat_page(request: TorgetRequest, slug: str) -> HttpResponse:
    chat = get_public_chat(_organisation(request), slug)
    return render(request, "livechat/chat.html", _page_context(request, chat))


def projector(request: TorgetRequest, slug: str) -> HttpResponse:
    chat = get_public_chat(_organisation(request), slug)
    context = _page_context(request, chat)
    context["pairs"] = list(reversed(context["pairs"]))
    return render(request, "livechat/projector.html", context)


def live(request: TorgetRequest, slug: str) -> HttpResponseBase:
    facts = public_chat_facts(_organisation(request), slug)
    return sse_response(request, stream=facts.public_stream)


QUESTIONS = web_intake.Channel(
    rate_scope="chat-question",
    rate_limit_setting="CHAT_QUESTION_RATE_LIMIT",
    rate_window_setting="CHAT_QUESTION_RATE_WINDOW_SECONDS",
    receipt_url="livechat:receipt",
)


@require_POST
def ask(request: TorgetRequest, slug: str) -> HttpResponse:
    # A question that goes well reads its chat once, in the action, under the chat's lock;
    # only the pages that refuse it read the chat here.
    organisation = _organisation(request)
    facts = public_chat_facts(organisation, slug)
    form = QuestionForm(request.POST, max_length=facts.question_max_length)
    if not facts.takes_questions(timezone.now()):
        # Too late (or too early): nothing is stored and the client's limit is not used up,
        # but a form that stored its question before the close gets its receipt.
        return web_intake.receipt_if_sent_before(request, QUESTIONS, form) or _not_open(
            request, get_public_chat(organisation, slug)
        )
    if not form.is_valid():
        chat = get_public_chat(organisation, slug)
        return render(request, "livechat/chat.html", _page_context(request, chat, form), status=400)

    def store(client: str) -> web_intake.Outcome:
        try:
            question, created = actions.ask_question(
                session_pk=facts.pk,
                display_name=form.cleaned_data["display_name"],
                text=form.cleaned_data["text"],
                submission_token=form.cleaned_data["submission_token"],
                client_hash=client,
                language=request.LANGUAGE_CODE,
                max_length=form.max_length,
                email=form.cleaned_data["email"],
            )
        except actions.ChatNotOpen:
            return web_intake.NotOpen(
                lambda: _not_open(request, get_public_chat(organisation, slug))
            )
        except actions.ParticipantBlocked as refused:
            chat = get_public_chat(organisation, slug)
            return web_intake.Blocked(chat.dialogue, refused.block)
        return web_intake.Stored(question.reference, created)

    def rate_limited() -> HttpResponse:
        context = {
            "chat": get_public_chat(organisation, slug),
            "limit": QUESTIONS.rate_limit,
            "minutes": max(1, QUESTIONS.rate_window_seconds // 60),
        }
        return render(request, "livechat/rate_limited.html", context, status=429)

    return web_intake.receive(
        request,
        QUESTIONS,
        form,
        store=store,
        dialogue=lambda: get_public_chat(organisation, slug).dialogue,
        rate_limited=rate_limited,
    )


def _not_open(request: TorgetRequest, chat: ChatSession) -> HttpResponse:
    return render(request, "livechat/not_open.html", {"chat": chat}, status=409)


def receipt(request: TorgetRequest, reference: str) -> HttpResponse:
    question = (
        Question.objects.select_related("post", "session__dialogue")
        .filter(post__reference=reference, session__dialogue__organisation=_organisation(request))
        .first()
    )
    if question is None:
        raise Http404
    context = {
        "question": question,
        "chat": question.session,
        "question_text": public_text(question),
    }
    return render(request, "livechat/receipt.html", context)


@require_POST
def upvote(request: TorgetRequest, slug: str, reference: str) -> HttpResponse:
    chat = get_public_chat(_organisation(request), slug)
    question = get_question_in(chat, reference)
    token = request.COOKIES.get(VOTER_COOKIE) or ""
    new_token = not token or len(token) > 64
    if new_token:
        token = keyed_hash(f"{client_hash(request)}:{timezone.now().timestamp()}", purpose="voter")
    try:
        actions.upvote_question(question=question, voter=keyed_hash(token, purpose="vote"))
        messages.success(request, _("Thank you. The moderators see how many want each answer."))
    except actions.AlreadyUpvoted:
        messages.info(request, _("You already support this question."))
    except actions.AlreadyHandled:
        messages.info(request, _("This question is no longer waiting for an answer."))
    response = redirect(f"{reverse('livechat:page', args=[chat.slug])}#waiting-heading")
    if new_token:
        response.set_cookie(
            VOTER_COOKIE, token, max_age=60 * 60 * 24, httponly=True, samesite="Lax"
        )
    return response


def _transcript_rows(chat: ChatSession) -> list[dict[str, str]]:
    rows = []
    for pair in published_pairs(chat):
        question, answer = pair["question"], pair["answer"]
        assert isinstance(question, Question) and isinstance(answer, Answer)
        rows.append(
            {
                "reference": question.reference,
                "asked_by": public_name(question.display_name),
                "asked_at": timezone.localtime(question.created_at).isoformat(),
                "question": public_text(question),
                "answered_by": answer.author.display_name,
                "party": getattr(pair["party"], "name", ""),
                "published_at": timezone.localtime(question.published_at).isoformat()
                if question.published_at
                else "",
                "answer": answer.text,
            }
        )
    return rows


def transcript(request: TorgetRequest, slug: str, extension: str) -> HttpResponse:
    """The published questions and answers, as a file to keep."""
    if extension not in ("html", "csv", "json"):
        raise Http404
    chat = get_public_chat(_organisation(request), slug)
    rows = _transcript_rows(chat)
    filename = f"{chat.slug}-transcript.{extension}"
    if extension == "json":
        document = {
            "chat": chat.slug,
            "title": chat.title,
            "dialogue": chat.dialogue.slug,
            "case_number": chat.dialogue.case_number,
            "opens_at": chat.opens_at.isoformat(),
            "closes_at": chat.closes_at.isoformat(),
            "closed": _window(chat) == "closed",
            "pairs": rows,
        }
        response = HttpResponse(
            json.dumps(document, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
    elif extension == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["reference"])
        writer.writeheader()
        for row in rows:
            # A cell starting with = + - @ would run as a formula in a spreadsheet.
            writer.writerow({k: f"'{v}" if v[:1] in "=+-@" else v for k, v in row.items()})
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        html = render_to_string(
            "livechat/transcript.html",
            {
                "chat": chat,
                "pairs": published_pairs(chat),
                "page_address": request.build_absolute_uri(
                    reverse("livechat:page", args=[chat.slug])
                ),
            },
            request=request,
        )
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Staff: set-up --------------------------------------------------------------------------------


@staff_required
def my_chats(request: StaffRequest) -> HttpResponse:
    chats = list(chats_of(request.user, request.organisation))
    rows = [
        {
            "chat": chat,
            "moderates": can_moderate_chat(request.user, chat),
            "on_panel": is_on_panel(request.user, chat),
        }
        for chat in chats
    ]
    return render(request, "livechat/staff/list.html", {"rows": rows})


@staff_required
@require_http_methods(["GET", "POST"])
def chat_create(request: StaffRequest, pk: int) -> HttpResponse:
    dialogue = get_dialogue_for(request.user, request.organisation, pk)
    if not can_create_chat(request.user, dialogue):
        raise PermissionDenied
    form = ChatSessionForm(
        request.POST or None,
        organisation=request.organisation,
        committee=dialogue.commissioned_by,
    )
    if request.method == "POST":
        if form.is_valid():
            chat = actions.create_chat_session(
                dialogue=dialogue,
                actor=request.user,
                slug=form.cleaned_data["slug"],
                **form.settings(),
            )
            messages.success(request, _("The live chat was created."))
            return redirect("livechat:edit", pk=chat.pk)
        return render(
            request, "livechat/staff/form.html", {"form": form, "dialogue": dialogue}, status=400
        )
    return render(request, "livechat/staff/form.html", {"form": form, "dialogue": dialogue})


@staff_required
@require_http_methods(["GET", "POST"])
def chat_edit(request: StaffRequest, pk: int) -> HttpResponse:
    chat = get_chat_to_edit(request.user, request.organisation, pk)
    # The form works on its own copy; only the action changes the stored chat.
    copy = ChatSession.objects.get(pk=chat.pk)
    form = ChatSessionForm(
        request.POST or None,
        instance=copy,
        organisation=request.organisation,
        committee=chat.dialogue.commissioned_by,
    )
    context = {"form": form, "dialogue": chat.dialogue, "chat": chat}
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.edit_chat_session(session=chat, actor=request.user, **form.settings())
            except actions.ChatNotOpen:
                messages.error(request, _("The chat has closed and can no longer be changed."))
                return redirect("livechat:edit", pk=chat.pk)
            messages.success(request, _("The live chat was saved."))
            return redirect("livechat:edit", pk=chat.pk)
        return render(request, "livechat/staff/form.html", context, status=400)
    return render(request, "livechat/staff/form.html", context)


# Staff: the consoles ----------------------------------------------------------------------------


def _moderator_item(question: Question, seats: list[PanelSeat]) -> dict[str, Any]:
    section = {
        QuestionStatus.PENDING: "pending",
        QuestionStatus.APPROVED: "approved",
        QuestionStatus.ASSIGNED: "assigned",
        QuestionStatus.ANSWERED: "review",
    }.get(QuestionStatus(question.status), "handled")
    answer = (
        question.answers.order_by("-written_at", "-pk").first() if section == "review" else None
    )
    return {
        "question": question,
        "section": section,
        "review_view": screening_view(question),
        "answer": answer,
        "seats": seats,
    }


def _moderator_context(request: StaffRequest, chat: ChatSession) -> dict[str, Any]:
    seats = actions.seated(chat)
    rule_set = rule_set_in_force(request.organisation)
    questions = chat.questions.select_related("post", "assigned_to", "session")
    waiting = questions.exclude(status__in=DONE_STATUSES).order_by(
        "-post__priority", "-upvotes", "post__created_at", "pk"
    )
    handled = questions.filter(status__in=DONE_STATUSES).order_by("-pk")[:HANDLED_SHOWN]
    items = [_moderator_item(question, seats) for question in [*waiting, *handled]]
    people, parties = panel_counters(chat, seats)
    sections = {
        name: [item for item in items if item["section"] == name]
        for name in ("pending", "approved", "assigned", "review", "handled")
    }
    return {
        "chat": chat,
        "sections": sections,
        "seats": seats,
        "rules": list(rule_set.rules.all()),
        "people": people,
        "parties": parties,
        "window": _window(chat),
        "live_url": reverse("livechat:staff-live", args=[chat.pk]),
        "item_url": reverse("livechat:moderate-item", args=[chat.pk, "REF"]),
        "counters_url": reverse("livechat:moderate-counters", args=[chat.pk]),
    }


def _get_moderated(request: StaffRequest, pk: int) -> ChatSession:
    chat = get_chat_for_staff(request.user, request.organisation, pk)
    if not can_moderate_chat(request.user, chat):
        raise PermissionDenied
    return chat


@staff_required
def moderate(request: StaffRequest, pk: int) -> HttpResponse:
    chat = _get_moderated(request, pk)
    return render(request, "livechat/staff/moderate.html", _moderator_context(request, chat))


@staff_required
def moderate_item(request: StaffRequest, pk: int, reference: str) -> HttpResponse:
    chat = _get_moderated(request, pk)
    question = get_question_in(chat, reference)
    rule_set = rule_set_in_force(request.organisation)
    item = _moderator_item(question, actions.seated(chat))
    context = {"item": item, "chat": chat, "rules": list(rule_set.rules.all())}
    return render(request, "livechat/staff/_moderator_item.html", context)


@staff_required
def moderate_counters(request: StaffRequest, pk: int) -> HttpResponse:
    chat = _get_moderated(request, pk)
    people, parties = panel_counters(chat, actions.seated(chat))
    return render(
        request,
        "livechat/staff/_counters.html",
        {"chat": chat, "people": people, "parties": parties},
    )


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _step_answer(
    request: StaffRequest, chat: ChatSession, *, ok: bool, message: str, console: str
) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"ok": ok, "message": message}, status=200 if ok else 409)
    (messages.success if ok else messages.error)(request, message)
    return redirect(console, pk=chat.pk)


def _handled_message(question: Question) -> str:
    return _(
        "Question %(reference)s was already handled by someone else: it is now “%(status)s”. "
        "Nothing was changed."
    ) % {"reference": question.reference, "status": question.get_status_display()}


@staff_required
@require_POST
def moderate_step(request: StaffRequest, pk: int, reference: str, step: str) -> HttpResponse:
    chat = _get_moderated(request, pk)
    question = get_question_in(chat, reference)
    user = request.user
    console = "livechat:moderate"

    def done(message: str) -> HttpResponse:
        return _step_answer(request, chat, ok=True, message=message, console=console)

    def refused(message: str) -> HttpResponse:
        return _step_answer(request, chat, ok=False, message=message, console=console)

    def approve() -> HttpResponse:
        actions.approve_question(question=question, moderator=user)
        return done(_("Question %(reference)s was approved.") % {"reference": reference})

    def reject() -> HttpResponse:
        rule_set = rule_set_in_force(request.organisation)
        form = RejectForm(request.POST, rule_set=rule_set)
        if not form.is_valid():
            return refused(_("Choose the rule the question breaks before rejecting it."))
        try:
            actions.reject_question(
                question=question,
                moderator=user,
                rule_codes=[form.cleaned_data["rules"]],
                note=form.cleaned_data["note"],
            )
        except RuleNotInForce as not_in_force:
            return refused(rule_not_in_force_message(not_in_force))
        return done(_("Question %(reference)s was rejected.") % {"reference": reference})

    def assign() -> HttpResponse:
        form = AssignForm(request.POST)
        politician = (
            User.objects.filter(pk=form.cleaned_data["politician"]).first()
            if form.is_valid()
            else None
        )
        if politician is None:
            return refused(_("Choose a politician on the panel."))
        try:
            actions.assign_question(question=question, moderator=user, politician=politician)
        except actions.NotOnPanel:
            return refused(
                _("%(name)s is not on this chat's panel. Nothing was changed.")
                % {"name": politician.display_name}
            )
        except actions.ChatNotStarted:
            return refused(
                _(
                    "The chat has not opened yet: questions are handed to the panel from "
                    "%(when)s. Nothing was changed."
                )
                % {"when": date_format(timezone.localtime(chat.opens_at), "DATETIME_FORMAT")}
            )
        return done(
            _("Question %(reference)s was handed to %(name)s.")
            % {"reference": reference, "name": politician.display_name}
        )

    def publish() -> HttpResponse:
        actions.publish_answer(question=question, moderator=user)
        return done(
            _("Question %(reference)s and its answer are published.") % {"reference": reference}
        )

    def send_back() -> HttpResponse:
        form = ReturnForm(request.POST)
        if not form.is_valid():
            return refused(_("Write a note that tells the politician what to change."))
        actions.return_answer(question=question, moderator=user, note=form.cleaned_data["note"])
        return done(_("The answer was sent back to the politician."))

    steps: dict[str, Callable[[], HttpResponse]] = {
        "approve": approve,
        "reject": reject,
        "assign": assign,
        "publish": publish,
        "return": send_back,
    }
    if step not in steps:
        raise Http404
    try:
        return steps[step]()
    except actions.AlreadyHandled as already:
        return refused(_handled_message(already.question))


def _politician_items(chat: ChatSession, user: User) -> dict[str, list[dict[str, Any]]]:
    mine = list(
        chat.questions.filter(assigned_to=user)
        .select_related("post", "session")
        .order_by("post__created_at", "pk")
    )
    return {
        "to_answer": [_politician_item(q) for q in mine if q.status == QuestionStatus.ASSIGNED],
        "sent": [
            _politician_item(q)
            for q in reversed(mine)
            if q.status in (QuestionStatus.ANSWERED, QuestionStatus.PUBLISHED)
        ],
    }


def _politician_item(question: Question, form: AnswerForm | None = None) -> dict[str, Any]:
    returned = question.steps.filter(kind="return").order_by("-at", "-pk").first()
    section = "to_answer" if question.status == QuestionStatus.ASSIGNED else "sent"
    answer = question.answers.order_by("-written_at", "-pk").first()
    return {
        "question": question,
        "question_text": public_text(question),
        "section": section,
        "form": form or AnswerForm(),
        "answer": answer,
        "returned_note": returned.note if returned and section == "to_answer" else "",
    }


def _get_panel_chat(request: StaffRequest, pk: int) -> ChatSession:
    chat = get_chat_for_staff(request.user, request.organisation, pk)
    if not is_on_panel(request.user, chat):
        raise PermissionDenied
    return chat


def _answer_console(request: StaffRequest, chat: ChatSession, **extra: Any) -> dict[str, Any]:
    return {
        "chat": chat,
        "sections": _politician_items(chat, request.user),
        "window": _window(chat),
        "live_url": reverse("livechat:staff-live", args=[chat.pk]),
        "item_url": reverse("livechat:answer-item", args=[chat.pk, "REF"]),
        **extra,
    }


@staff_required
def answer_console(request: StaffRequest, pk: int) -> HttpResponse:
    chat = _get_panel_chat(request, pk)
    return render(request, "livechat/staff/answer.html", _answer_console(request, chat))


@staff_required
def answer_item(request: StaffRequest, pk: int, reference: str) -> HttpResponse:
    chat = _get_panel_chat(request, pk)
    question = get_question_in(chat, reference)
    if question.assigned_to_id != request.user.pk or question.status not in (
        QuestionStatus.ASSIGNED,
        QuestionStatus.ANSWERED,
        QuestionStatus.PUBLISHED,
    ):
        return HttpResponse(status=204)  # not (or no longer) this person's question
    item = _politician_item(question)
    return render(request, "livechat/staff/_answer_item.html", {"item": item, "chat": chat})


@staff_required
@require_POST
def send_answer(request: StaffRequest, pk: int, reference: str) -> HttpResponse:
    chat = _get_panel_chat(request, pk)
    question = get_question_in(chat, reference)
    form = AnswerForm(request.POST)
    if not can_answer(request.user, question):
        return _refuse_answer(request, chat, _why_not_yours(request.user, question))
    if not form.is_valid():
        if _wants_json(request):
            errors = "; ".join(str(error) for error in form.errors.get("text", []))
            return JsonResponse({"ok": False, "message": errors}, status=400)
        context = _answer_console(request, chat)
        for item in context["sections"]["to_answer"]:
            if item["question"].pk == question.pk:
                item["form"] = form
        return render(request, "livechat/staff/answer.html", context, status=400)
    try:
        actions.answer_question(
            question=question, politician=request.user, text=form.cleaned_data["text"]
        )
    except (actions.AlreadyHandled, actions.NotAssignee):
        # Moved on between the check above and the row lock.
        question.refresh_from_db()
        return _refuse_answer(request, chat, _why_not_yours(request.user, question))
    message = (
        _("Your answer was sent to the moderators for review.")
        if chat.answers_reviewed
        else _("Your answer is published with the question.")
    )
    return _step_answer(request, chat, ok=True, message=message, console="livechat:answer")


def _why_not_yours(user: User, question: Question) -> str:
    if question.assigned_to_id != user.pk:
        return _(
            "Question %(reference)s is assigned to someone else, so you cannot answer it. "
            "Your text was not sent."
        ) % {"reference": question.reference}
    return _handled_message(question)


def _refuse_answer(request: StaffRequest, chat: ChatSession, message: str) -> HttpResponse:
    """Say why, and keep what the politician wrote in front of them: nothing typed is lost."""
    if _wants_json(request):
        return JsonResponse({"ok": False, "message": message}, status=409)
    context = _answer_console(
        request, chat, refusal=message, kept_text=request.POST.get("text", "")
    )
    return render(request, "livechat/staff/answer.html", context, status=409)


def staff_live(request: TorgetRequest, pk: int) -> HttpResponseBase:
    """The staff stream: small "question X changed" notes; consoles fetch what they show."""
    chat = get_chat_for_staff(request.user, _organisation(request), pk)
    return sse_response(request, stream=chat.staff_stream)
