from django.urls import path

from portal import insight_views

urlpatterns = [
    path("innsyn/", insight_views.insight_page, name="insight"),
    path("alt-om-oss/", insight_views.export_page, name="export"),
    path("alt-om-oss/pdf/", insight_views.export_pdf, name="export_pdf"),
    path("alt-om-oss/json/", insight_views.export_json, name="export_json"),
]
