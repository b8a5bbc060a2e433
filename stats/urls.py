from django.urls import path

from stats import api, views
from stats.charts import DASHBOARD_CHARTS

app_name = "stats"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    # One address per chart (no path parameter): /charts/removals.csv and so on.
    *[
        path(f"charts/{name}.csv", views.chart_csv, {"name": name}, name=f"chart-csv-{name}")
        for name in DASHBOARD_CHARTS
    ],
    path("detention/", views.DetentionView.as_view(), name="detention"),
    path("detention/<int:pk>-<slug:slug>/", views.FacilityView.as_view(), name="facility"),
    path("detention/<int:pk>-<slug:slug>/population.csv", views.facility_csv, name="facility-csv"),
]

api_urlpatterns = [
    path("ice-stats", api.IceStatsView.as_view(), name="ice-stats"),
]
