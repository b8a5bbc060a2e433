from django.urls import path

from rapidresponse import views

app_name = "rapidresponse"

urlpatterns = [
    path("", views.DirectoryView.as_view(), name="index"),
    path("<str:state>/", views.DirectoryView.as_view(), name="state"),
]

api_urlpatterns: list = []
