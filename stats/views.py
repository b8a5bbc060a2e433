from django.views.generic import TemplateView


class DashboardView(TemplateView):
    template_name = "stats/dashboard.html"


class DetentionView(TemplateView):
    template_name = "stats/detention.html"
