from django.urls import path

from . import views

app_name = "licences"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("keys.json", views.key_list, name="keys"),
    path("status/<int:number>.json", views.status_list, name="status"),
    path("<str:identifier>/", views.detail, name="detail"),
    path("<str:identifier>/act/", views.act, name="act"),
    path("<str:identifier>/pdf/", views.pdf, name="pdf"),
    path("<str:identifier>/content.json", views.content, name="content"),
]
