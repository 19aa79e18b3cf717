from django.urls import path

from . import views, views_apply

app_name = "bundles"
urlpatterns = [
    path("", views.bundle_list, name="list"),
    # Bundle applications (issue 4): before "<code>/" so that these words are never read as a bundle code.
    path("mine/", views_apply.mine, name="mine"),
    path("window/", views_apply.window_home, name="window"),
    path("window/apply/<str:code>/", views_apply.window_apply, name="window_apply"),
    path("supervision/", views_apply.board, name="board"),
    path("cases/<str:number>/", views_apply.case_detail, name="case"),
    path("cases/<str:number>/edit/", views_apply.edit, name="edit"),
    path("cases/<str:number>/receipt/", views_apply.receipt, name="receipt"),
    path("cases/<str:number>/do/<slug:action>/", views_apply.case_act, name="case_act"),
    path("<str:code>/apply/", views_apply.apply, name="apply"),
    path("<str:code>/", views.bundle_detail, name="detail"),
]
