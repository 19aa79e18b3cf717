"""Public pages of cases (no sign-in): the progress lookup by case number and query code."""

from django.urls import path

from . import views, views_public

app_name = "progress"
urlpatterns = [
    path("", views_public.lookup, name="lookup"),
    path("signing-certificate.pem", views.signing_certificate, name="signing_certificate"),
]
