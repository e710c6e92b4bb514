"""povertymgmt.models.ChoiceLabels: get_FOO_display() answers what Django's own answers (issue 16: only
faster), for every choice field of every model that has it, in both languages."""

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from povertymgmt.models import ChoiceLabels

FIELDS = [
    (model, field)
    for model in apps.get_models()
    if issubclass(model, ChoiceLabels)
    for field in model._meta.concrete_fields
    if field.choices
]


def test_the_registry_models_use_it():
    names = {model.__name__ for model, _field in FIELDS}
    assert {"Household", "Member", "StatusEvent", "AssistanceRecord", "MemberEvent"} <= names
    assert len(FIELDS) > 20
    assert all(model._get_FIELD_display is ChoiceLabels._get_FIELD_display for model, _field in FIELDS)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_same_labels_as_djangos(language):
    with translation.override(language):
        for model, field in FIELDS:
            for value in [*(v for v, _label in field.flatchoices), "no-such-choice", None]:
                row = model()
                setattr(row, field.attname, value)
                mine = getattr(row, f"get_{field.name}_display")()
                assert mine == models.Model._get_FIELD_display(row, field), (model, field.name, value)
