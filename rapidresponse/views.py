from django.views.generic import TemplateView


class DirectoryView(TemplateView):
    template_name = "rapidresponse/index.html"
