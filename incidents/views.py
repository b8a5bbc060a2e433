from django.views.generic import DetailView, ListView

from incidents.models import Incident


class IncidentListView(ListView):
    template_name = "incidents/list.html"
    paginate_by = 20

    def get_queryset(self):
        return Incident.objects.published()


class IncidentDetailView(DetailView):
    template_name = "incidents/detail.html"

    def get_queryset(self):
        return Incident.objects.published()
