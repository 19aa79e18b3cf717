"""Case pages (namespace "cases"): applicants, the general window, the back office and supervision."""

from django.urls import path

from . import views, views_applicant, views_office, views_window

app_name = "cases"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views_applicant.mine, name="mine"),
    path("drafts/", views_applicant.drafts, name="drafts"),
    path("apply/<str:code>/", views_applicant.apply, name="apply"),
    path("window/", views_window.home, name="window"),
    path("window/apply/<str:code>/", views_window.apply, name="window_apply"),
    path("queue/", views_office.queue, name="queue"),
    path("supervision/", views_office.supervision, name="supervision"),
    path("supervision/cases/", views_office.case_search, name="search"),
    path("supervision/notices/", views_office.supervision_notices, name="supervision_notices"),
    path("supervision/notices/<int:pk>/answer/", views_office.answer, name="answer"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/edit/", views_applicant.edit, name="edit"),
    path("<str:number>/receipt/", views_applicant.receipt, name="receipt"),
    path("<str:number>/do/<slug:action>/", views.act, name="act"),
    path("<str:number>/notices/<slug:kind>.pdf", views.notice_pdf, name="notice"),
    path("<str:number>/result.pdf", views.result_document, name="result_document"),
    path("<str:number>/materials/<int:pk>/", views.material_file, name="material"),
]
