from __future__ import annotations

from django.urls import path

from torget.livechat import views

app_name = "livechat"

urlpatterns = [
    path("chat/<slug:slug>/", views.chat_page, name="page"),
    path("chat/<slug:slug>/ask/", views.ask, name="ask"),
    path("chat/<slug:slug>/live/", views.live, name="live"),
    path("chat/<slug:slug>/projector/", views.projector, name="projector"),
    path(
        "chat/<slug:slug>/transcript.<str:extension>",
        views.transcript,
        name="transcript",
    ),
    path("chat/<slug:slug>/support/<str:reference>/", views.upvote, name="upvote"),
    path("question/<str:reference>/", views.receipt, name="receipt"),
    path("staff/chats/", views.my_chats, name="mine"),
    path("staff/dialogues/<int:pk>/chats/new/", views.chat_create, name="create"),
    path("staff/chats/<int:pk>/", views.chat_edit, name="edit"),
    path("staff/chats/<int:pk>/live/", views.staff_live, name="staff-live"),
    path("staff/chats/<int:pk>/moderate/", views.moderate, name="moderate"),
    path(
        "staff/chats/<int:pk>/moderate/counters/",
        views.moderate_counters,
        name="moderate-counters",
    ),
    path(
        "staff/chats/<int:pk>/moderate/<str:reference>/",
        views.moderate_item,
        name="moderate-item",
    ),
    path(
        "staff/chats/<int:pk>/moderate/<str:reference>/<str:step>/",
        views.moderate_step,
        name="moderate-step",
    ),
    path("staff/chats/<int:pk>/answer/", views.answer_console, name="answer"),
    path("staff/chats/<int:pk>/answer/<str:reference>/", views.answer_item, name="answer-item"),
    path(
        "staff/chats/<int:pk>/answer/<str:reference>/send/",
        views.send_answer,
        name="answer-send",
    ),
]
