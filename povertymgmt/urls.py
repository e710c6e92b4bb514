from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="regions:home"), name="home"),
    path("", include("accounts.urls")),  # login/, throttled
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("regions/", include("households.regions.urls")),
    path("households/", include("households.urls")),
    path("eligibility/", include("eligibility.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("assistance/", include("assistance.urls")),
    path("projects/", include("projects.urls")),
    path("funds/", include("funds.urls")),
    path("imports/", include("imports.urls")),
    path("workflows/", include("workflows.urls")),
    path("public/", include("workflows.public_urls")),
    path("simulations/", include("simulations.urls")),
    path("reports/", include("reports.urls")),
    path("audit/", include("accounts.audit_urls")),  # the audit log (§9)
    path("api/", include("povertymgmt.api_urls")),
    path("admin/", admin.site.urls),
]
