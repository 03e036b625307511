from __future__ import annotations

from django.urls import path

from torget.site.records import views

app_name = "records"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/select/", views.select, name="select"),
    path("<int:pk>/items/<int:item>/unselect/", views.unselect, name="unselect"),
    path("<int:pk>/items/<int:item>/redact/", views.add_redaction, name="redact"),
    path("<int:pk>/release/", views.release, name="release"),
    path("<int:pk>/releases/<int:release_pk>/download/", views.download, name="download"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("retention/", views.retention, name="retention"),
    path("retention/<int:pk>/", views.retention_edit, name="retention-edit"),
]
