from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.public, name="public"),
    path("cases/<str:number>/", views.rate, name="rate"),
    path("window/<str:number>/", views.screen_open, name="screen_open"),
    path("screen/<str:token>/", views.screen, name="screen"),
    path("departments/<int:department_id>/", views.social, name="social"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path("rectifications/<int:pk>/", views.rectification, name="rectification"),
]
