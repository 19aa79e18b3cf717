"""Pages of bundle applications (一件事办件), under /bundles/ beside the bundle definitions' own pages."""

from django.urls import path

from . import views_bundles as views

app_name = "bundle_cases"
urlpatterns = [
    # Before the definitions' "<code>/" so that these words are never read as a bundle code.
    path("mine/", views.mine, name="mine"),
    path("window/", views.window_home, name="window"),
    path("window/apply/<str:code>/", views.window_apply, name="window_apply"),
    path("supervision/", views.board, name="board"),
    path("cases/<str:number>/", views.case_detail, name="case"),
    path("cases/<str:number>/edit/", views.edit, name="edit"),
    path("cases/<str:number>/receipt/", views.receipt, name="receipt"),
    path("cases/<str:number>/notices/<slug:kind>.pdf", views.notice, name="notice"),
    path("cases/<str:number>/do/<slug:action>/", views.case_act, name="case_act"),
    path("<str:code>/apply/", views.apply, name="apply"),
]
