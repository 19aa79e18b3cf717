from django.urls import path

from . import views

app_name = "federation"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("operations/", views.operations, name="operations"),
    path("tsa/", views.time_stamp, name="tsa"),
]
