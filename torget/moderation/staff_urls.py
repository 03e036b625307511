from __future__ import annotations

from django.urls import path

from torget.moderation import rule_views, views

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
    path("rules/", rule_views.rules_staff, name="rules"),
    path("rules/draft/", rule_views.draft_start, name="draft-start"),
    path("rules/draft/settings/", rule_views.draft_settings, name="draft-settings"),
    path("rules/draft/rules/new/", rule_views.rule_add, name="rule-add"),
    path("rules/draft/rules/<int:pk>/", rule_views.rule_edit, name="rule-edit"),
    path("rules/draft/rules/<int:pk>/remove/", rule_views.rule_remove, name="rule-remove"),
    path("rules/draft/rules/<int:pk>/move/", rule_views.rule_move, name="rule-move"),
    path("rules/v<int:version>/publish/", rule_views.publish, name="publish-rules"),
]
