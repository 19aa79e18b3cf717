from django.urls import path

from . import views

app_name = "sharing"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("consents/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("flagged/", views.flagged, name="flagged"),
    path("exchange/<str:provider>/<str:subject>/", views.exchange, name="exchange"),
]
