from __future__ import annotations

from django.urls import path

from torget.moderation import views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("find/", views.find, name="find"),
    path("<int:pk>/", views.contribution_detail, name="contribution"),
    path("<int:pk>/block/", views.block_author, name="block"),
    path("<int:pk>/threat/", views.mark_threat, name="mark-threat"),
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("blocks/", views.block_list, name="blocks"),
    path("blocks/<int:pk>/lift/", views.block_lift, name="lift-block"),
    path("threats/", views.threat_list, name="threats"),
    path("threats/<int:pk>/show/", views.threat_show, name="show-threat"),
    path("threats/<int:pk>/evidence/", views.evidence, name="evidence"),
]
