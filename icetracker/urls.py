from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from icetracker import health, views
from icetracker.api import SchemaView
from incidents import urls as incidents_urls
from incidents import views as incidents_views
from incidents.sitemaps import IncidentPagesSitemap, IncidentSitemap
from rapidresponse import urls as rapidresponse_urls
from stats import urls as stats_urls

api_patterns = [
    path("health", health.health, name="health"),
    path("schema", SchemaView.as_view(), name="schema"),
    path("", include((stats_urls.api_urlpatterns, "stats-api"))),
    path("", include((incidents_urls.api_urlpatterns, "incidents-api"))),
    path("", include((rapidresponse_urls.api_urlpatterns, "rapidresponse-api"))),
]

# Each app may add its sections here; /sitemap.xml is an index of them.
sitemaps = {"incident-pages": IncidentPagesSitemap, "incidents": IncidentSitemap}

urlpatterns = [
    path("", include("stats.urls")),
    path("incidents/", include("incidents.urls")),
    path("rapid-response/", include("rapidresponse.urls")),
    path("about/", views.AboutView.as_view(), name="about"),
    path("about/data/", incidents_views.DataDictionaryView.as_view(), name="data-dictionary"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": sitemaps}, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("api/v1/", include(api_patterns)),
    path("admin/", admin.site.urls),
]

handler404 = "icetracker.views.page_not_found"
handler500 = "icetracker.views.server_error"
