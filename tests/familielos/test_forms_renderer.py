"""Widgets render through Jinja2 with the same markup the Django template engine gives, escaping included; a widget
with only a Django template (the admin's) still renders."""

import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.contrib.auth.forms import ReadOnlyPasswordHashWidget
from django.contrib.auth.models import User
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.test.html import parse_html

from familielos.forms_renderer import FormRenderer

HOSTILE = '<script>alert("x")</script> & "quoted" \'single\''


class EveryKindForm(forms.Form):
    text = forms.CharField(max_length=20, help_text="Hjelpetekst")
    note = forms.CharField(widget=forms.Textarea)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    choice = forms.ChoiceField(choices=[("a", HOSTILE), ("b", "Bokmål og nynorsk")])
    radio = forms.ChoiceField(choices=[("a", HOSTILE), ("b", "B")], widget=forms.RadioSelect)
    many = forms.MultipleChoiceField(choices=[("1", HOSTILE), ("2", "To")], widget=forms.CheckboxSelectMultiple)
    flag = forms.BooleanField(required=False)
    secret = forms.CharField(widget=forms.HiddenInput)


def test_settings__use_the_project_renderer():
    assert isinstance(get_default_renderer(), FormRenderer)


@pytest.mark.parametrize("data", [None, {"text": HOSTILE, "note": HOSTILE, "choice": "a", "radio": "a", "many": ["1"]}])
def test_every_widget__bound_or_not__same_markup_as_django_templates(data):
    jinja = EveryKindForm(data, renderer=FormRenderer(), initial={"secret": HOSTILE})
    django = EveryKindForm(data, renderer=DjangoTemplates(), initial={"secret": HOSTILE})

    for name in EveryKindForm.base_fields:
        assert parse_html(str(jinja[name])) == parse_html(str(django[name])), name
    assert parse_html(jinja.render()) == parse_html(django.render())


def test_hostile_text__is_escaped_in_every_widget():
    form = EveryKindForm({"text": HOSTILE, "note": HOSTILE}, renderer=FormRenderer(), initial={"secret": HOSTILE})

    html = form.render()

    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_widget_with_only_a_django_template__renders():
    html = ReadOnlyPasswordHashWidget().render("password", "md5$salt$hash", renderer=FormRenderer())
    assert "md5" in html


def test_admin_widget_with_only_a_django_template__renders():
    field = User._meta.get_field("groups").remote_field
    wrapper = RelatedFieldWidgetWrapper(forms.Select(choices=[("1", "Leder")]), field, admin.site)

    html = wrapper.render("groups", "1", renderer=FormRenderer())

    assert "related-widget-wrapper" in html
    assert '<option value="1" selected>Leder</option>' in html
