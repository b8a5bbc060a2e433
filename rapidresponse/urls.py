from django.urls import path

from rapidresponse import api, views

app_name = "rapidresponse"

urlpatterns = [
    path("", views.DirectoryView.as_view(), name="index"),
    # Incident pages link here with {% url 'rapidresponse:state' state=... %}: keep name and kwarg.
    path("<str:state>/", views.DirectoryView.as_view(), name="state"),
]

api_urlpatterns = [
    path("rapid-response", api.rapid_response, name="rapid-response"),
]
