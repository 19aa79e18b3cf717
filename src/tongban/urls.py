from django.contrib import admin
from django.urls import include, path

from tongban.api import api
from tongban.cases import views as case_views
from tongban.licences import views as licence_views

admin.site.site_header = "通办 · 管理后台"
admin.site.site_title = "通办管理后台"
admin.site.index_title = "事项目录与平台管理"

urlpatterns = [
    # Catalogue Excel import/export pages (catalogue/admin_excel.py); must come before admin.site.urls.
    path("admin/catalogue/excel/", include("tongban.catalogue.admin_excel")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("tongban.accounts.urls")),
    path("items/", include("tongban.catalogue.urls")),
    # Bundle applications first: their words (mine/, window/, cases/…) are never read as a bundle code.
    path("bundles/", include("tongban.cases.urls_bundles")),
    path("bundles/", include("tongban.bundles.urls")),
    path("search/", include("tongban.search.urls")),
    path("progress/", include("tongban.cases.urls_public")),
    path("cases/", include("tongban.cases.urls")),
    path("licences/", include("tongban.licences.urls")),
    path("evaluation/", include("tongban.evaluation.urls")),
    path("hotline/", include("tongban.hotline.urls")),
    path("kuayu/", include("tongban.crossregion.urls")),
    path("federation/", include("tongban.federation.urls")),
    path("sharing/", include("tongban.sharing.urls")),
    # What a licence's QR code opens: the public check of that licence (licences/domain/seal.py).
    path("lv/<str:code>", licence_views.scanned, name="licence_scan"),
    # Each account's own workspace (工作台): where sign-in lands and the header's 工作台 link leads.
    path("workspace/", case_views.index, name="workspace"),
    path("", include("tongban.core.urls")),
    path("", include("tongban.portal.urls")),
]

# Chinese error pages with a way back (core/templates/400.html, 403.html, 404.html, 500.html).
handler403 = "tongban.core.views.permission_denied"
