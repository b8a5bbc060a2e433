from django.urls import path

from stats import views

app_name = "stats"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("detention/", views.DetentionView.as_view(), name="detention"),
]

api_urlpatterns: list = []
