"""The item page's link form: its list of items written in one pass is the
HTML Django's select templates write."""

import pytest
from django import forms

from styrhjul.planning.forms import LinkForm, OptionsSelect
from styrhjul.planning.models import Item

pytestmark = pytest.mark.django_db

CHOICES = [
    ("", "Välj post"),
    (12, 'Avtal <& "inköp">'),
    (3, "Fler unga ska fullfölja gymnasiet"),
    (40, "Energi\nanvändningen"),
]


@pytest.mark.parametrize("value", [None, "", 3, "12", [40], 999])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "id_target", "required": True}, {"disabled": False}]
)
def test_the_select_is_the_html_of_djangos_templates(value, attrs):
    fast = OptionsSelect(attrs={"class": 'a"b'}, choices=CHOICES)
    django = forms.Select(attrs={"class": 'a"b'}, choices=CHOICES)

    assert fast.render("target", value, attrs) == django.render("target", value, attrs)


def test_option_groups_are_left_to_djangos_templates():
    choices = [("Mål", [(1, "Ett"), (2, "Två")]), (3, "Tre")]

    assert OptionsSelect(choices=choices).render("t", 2) == forms.Select(choices=choices).render(
        "t", 2
    )


def test_the_link_form_lists_the_targets_as_django_would(chain):
    targets = Item.objects.filter(pk__in=[chain["board"].pk, chain["activity"].pk])
    form = LinkForm(targets=targets)
    field = form.fields["target"]
    django = forms.ModelChoiceField(queryset=targets, empty_label=field.empty_label)
    bound = form["target"]

    assert str(bound) == django.widget.render("target", None, {"required": True, "id": "id_target"})
    assert LinkForm({"target": chain["board"].pk}, targets=targets).is_valid()
    assert not LinkForm({"target": chain["council"].pk}, targets=targets).is_valid()
