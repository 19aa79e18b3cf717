from django.urls import path

from . import views, views_use

app_name = "licences"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("mine/", views_use.mine, name="mine"),
    path("codes/", views_use.create_code, name="create_code"),
    path("codes/<int:pk>/", views_use.code, name="code"),
    path("codes/<int:pk>/withdraw/", views_use.withdraw_code, name="withdraw_code"),
    path("show/", views_use.redeem, name="redeem"),
    path("lookup/", views_use.lookup, name="lookup"),
    path("keys.json", views.key_list, name="keys"),
    path("status/<int:number>.json", views.status_list, name="status"),
    path("<str:identifier>/", views.detail, name="detail"),
    path("<str:identifier>/act/", views.act, name="act"),
    path("<str:identifier>/pdf/", views.pdf, name="pdf"),
    path("<str:identifier>/content.json", views.content, name="content"),
]
