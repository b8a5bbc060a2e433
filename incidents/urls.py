from django.urls import path

from icetracker.pagecache import cached_page
from incidents import api, export, views
from incidents.syndication import LatestIncidentsFeed

app_name = "incidents"

urlpatterns = [
    path("", views.IncidentListView.as_view(), name="list"),
    path("export.csv", export.export_csv, name="export"),
    path("feed/", cached_page("incidents")(LatestIncidentsFeed()), name="feed"),
    path("<int:pk>-<str:slug>/", views.IncidentDetailView.as_view(), name="detail"),
    # Without the slug: redirects (301) to the canonical address.
    path("<int:pk>/", views.IncidentDetailView.as_view(), name="detail-short"),
]

api_urlpatterns = [
    path("ice-incidents", api.IceIncidentsView.as_view(), name="ice-incidents"),
    path("ice-incident", api.IceIncidentView.as_view(), name="ice-incident"),
]
