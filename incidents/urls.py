from django.urls import path

from incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.IncidentListView.as_view(), name="list"),
    path("<int:pk>-<slug:slug>/", views.IncidentDetailView.as_view(), name="detail"),
]

api_urlpatterns: list = []
