from django.urls import path

from . import views

app_name = "catalogue"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("themes/", views.theme_overview, name="themes"),
    path("departments/", views.department_overview, name="departments"),
    path("regions/", views.region_overview, name="regions"),
    # A guide's blank form or sample (空白表格, 示例样表), named as it is saved.
    path("files/<int:pk>/<str:name>", views.guide_file, name="file"),
    # Last: an implementation code never equals the overview names above.
    path("<str:code>/", views.guide, name="guide"),
]
