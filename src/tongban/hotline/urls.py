from django.urls import path

from . import open311, views

app_name = "hotline"
urlpatterns = [
    path("", views.console, name="console"),
    path("calls/", views.take_call, name="take_call"),
    path("calls/<str:call_id>/", views.call, name="call"),
    path("new/", views.new_order, name="new"),
    path("indicators/", views.indicators, name="indicators"),
    path("orders/<str:number>/", views.order, name="order"),
    path("orders/<str:number>/act/", views.act, name="act"),
    path("orders/<str:number>/call-back/", views.call_back, name="call_back"),
    # Open311 GeoReport v2 (open311.py): the format is the path's extension, as the specification says.
    path("open311/v2/services.<str:fmt>", open311.services_view, name="open311_services"),
    path("open311/v2/services/<str:code>.<str:fmt>", open311.service, name="open311_service"),
    path("open311/v2/requests.<str:fmt>", open311.requests, name="open311_requests"),
    path("open311/v2/requests/<str:request_id>.<str:fmt>", open311.request, name="open311_request"),
    path("open311/v2/discovery.<str:fmt>", open311.discovery, name="open311_discovery"),
]
