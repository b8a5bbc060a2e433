from django import forms
from django.utils.translation import gettext_lazy as _

from icetracker.geography import State

SORTS = {
    "-population": _("Population, largest first"),
    "population": _("Population, smallest first"),
    "name": _("Name"),
    "state": _("State"),
    "city": _("City"),
    "type": _("Facility type"),
}


class FacilityFilterForm(forms.Form):
    """The GET form of /detention/: works without JavaScript."""

    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("All states")), *State.choices], required=False
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=list(SORTS.items()), required=False)

    def filters(self) -> tuple[str, str]:
        """(state, sort); an invalid value falls back to its default (the form shows the error)."""
        self.is_valid()
        data = self.cleaned_data
        return data.get("state") or "", data.get("sort") or "-population"
