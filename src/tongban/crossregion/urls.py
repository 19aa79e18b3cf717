from django.urls import path

from . import views

app_name = "crossregion"

urlpatterns = [
    path("", views.items, name="items"),
    path("mine/", views.mine, name="mine"),
    path("window/", views.window, name="window"),
    path("joint/new/", views.joint_new, name="joint_new"),
    path("joint/<str:ref>/", views.joint_detail, name="joint"),
    path("apply/<str:node>/<str:code>/", views.apply, name="apply"),
    path("take/<str:node>/<str:code>/", views.take, name="take"),
    path("case/<str:ref>/", views.detail, name="detail"),
    path("case/<str:ref>/act/", views.act, name="act"),
    path("case/<str:ref>/withdraw/", views.withdraw, name="withdraw"),
    path("case/<str:ref>/resubmit/", views.resubmit, name="resubmit"),
    path("case/<str:ref>/results/<int:index>/", views.result_file, name="result_file"),
]
