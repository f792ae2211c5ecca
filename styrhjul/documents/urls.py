from django.urls import path

from . import views, views_sections

app_name = "documents"

urlpatterns = [
    path("installningar/", views.settings_page, name="settings"),
    # <model>: the year's styrmodell; <document>: delarsrapport, arsredovisning, manadsrapport
    path(
        "installningar/egna-avsnitt/<int:model>/<slug:document>/nytt/",
        views_sections.own_section_create,
        name="own_section_create",
    ),
    # <pk>: an own section (followup.DocumentSection)
    path(
        "installningar/egna-avsnitt/<int:pk>/",
        views_sections.own_section_edit,
        name="own_section_edit",
    ),
    path(
        "installningar/egna-avsnitt/<int:pk>/ta-bort/",
        views_sections.own_section_delete,
        name="own_section_delete",
    ),
    path(
        "internkontrollrapport/<int:plan>/<int:occasion>.<str:fmt>",
        views.internal_control_view,
        name="internal_control",
    ),
    path(
        "internkontrollrapport/<int:plan>/<int:occasion>/texter/",
        views.internal_control_texts,
        name="internal_control_texts",
    ),
    # <unit>, <occasion>: a unit's documents at a follow-up occasion
    path("enhet/<int:unit>/<int:occasion>/", views.unit_documents, name="unit_documents"),
    path(
        "enhet/<int:unit>/<int:occasion>/forhandsgranska/<slug:document>/",
        views.preview,
        name="preview",
    ),
    path(
        "enhet/<int:unit>/<int:occasion>/texter/<slug:document>/",
        views.document_texts,
        name="texts",
    ),
    # <pk>: a document made (DocumentJob)
    path("jobb/<int:pk>/", views.job_status, name="job"),
    path("jobb/<int:pk>/ladda-ned/", views.job_download, name="job_download"),
]
