"""Helpers for posting Django admin forms in tests."""


def resubmit_admin_form(response, **changes) -> dict:
    """POST data for an admin change form exactly as shown, plus `changes`."""
    data = {}

    def add(form) -> None:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.initial_forms:
            add(form)
    data.update(changes)
    return data
