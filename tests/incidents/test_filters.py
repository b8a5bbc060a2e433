"""IncidentFilter's form: each instance's fields are its own, except the choices."""

import pytest

from incidents.filters import FieldsCopiedCheaply, IncidentFilter


def test_each_form_gets_its_own_fields_widgets_and_messages():
    first, second = IncidentFilter().form, IncidentFilter().form
    base = type(first).base_fields
    assert isinstance(base, FieldsCopiedCheaply)
    assert list(first.fields) == list(base)
    for name, field in first.fields.items():
        other = second.fields[name]
        assert type(field) is type(base[name])
        assert field is not other
        assert field is not base[name]
        assert field.widget is not other.widget
        assert field.widget.attrs is not other.widget.attrs
        assert field.error_messages is not other.error_messages
        assert field.validators is not other.validators
        assert field.widget.attrs == base[name].widget.attrs
        assert field.label == base[name].label

    first.fields["state"].widget.attrs["class"] = "changed"
    first.fields["limit"].error_messages["invalid"] = "changed"
    first.fields["q"].validators.append(lambda value: None)
    assert "class" not in IncidentFilter().form.fields["state"].widget.attrs
    assert IncidentFilter().form.fields["limit"].error_messages["invalid"] != "changed"
    assert len(IncidentFilter().form.fields["q"].validators) == len(base["q"].validators)


def test_the_choices_are_shared():
    first, second = IncidentFilter().form, IncidentFilter().form
    assert first.fields["state"].choices is second.fields["state"].choices
    assert first.fields["state"].widget.choices is second.fields["state"].widget.choices


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"state": "TX", "type": "ice_killing", "limit": "50"}, set()),
        ({"state": "ZZ"}, {"state"}),
        ({"limit": "0", "date_after": "2020-13-01"}, {"limit", "date_after"}),
        ({"q": "x" * 201}, {"q"}),
        ({"date_after": "2024-02-01", "date_before": "2024-01-01"}, {"date_before"}),
    ],
)
def test_validation_is_unchanged(data, errors):
    filterset = IncidentFilter(data)
    assert filterset.is_valid() == (not errors)
    assert set(filterset.errors) == errors


def test_choice_fields_accept_what_djangos_accept():
    from django import forms

    form = IncidentFilter().form
    for name in ("type", "state", "outcome", "verification", "citizen", "sort"):
        field = form.fields[name]
        candidates = [str(value) for value, _label in field.choices]
        candidates += ["", "ZZ", "tx", " TX", "none", "0"]
        for value in candidates:
            assert field.valid_value(value) == forms.ChoiceField.valid_value(field, value)


def test_choice_field_values_follow_replaced_and_grouped_choices():
    from incidents.filters import ChoiceField

    field = ChoiceField(choices=[("a", "A"), ("Group", [("b", "B"), ("c", "C")])])
    assert [field.valid_value(v) for v in ("a", "b", "c", "Group", "d")] == [
        True,
        True,
        True,
        False,
        False,
    ]
    field.choices = [("d", "D")]
    assert field.valid_value("d")
    assert not field.valid_value("a")
