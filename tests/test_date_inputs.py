"""A date input's value is ISO or the browser drops it (issue 15, item 1): every date field of every form
and filter of the project renders its value as yyyy-MM-dd in Chinese and in English, and the Chinese
forms typed by hand are still accepted."""

import datetime as dt
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.utils import translation
from django_filters import FilterSet

DAY = dt.date(2020, 5, 1)


def project_modules():
    for config in apps.get_app_configs():
        if not config.path.startswith(str(settings.BASE_DIR)) or "/.venv/" in config.path:
            continue
        for info in pkgutil.walk_packages([config.path], prefix=config.name + "."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            yield importlib.import_module(info.name)


def date_fields():
    """(where, form field) of every DateField a form or filter of the project declares."""
    seen = set()
    for module in project_modules():
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls in seen or not cls.__module__.startswith(tuple(c.name for c in apps.get_app_configs())):
                continue
            seen.add(cls)
            if issubclass(cls, forms.BaseForm):
                fields = cls.base_fields.items()
            elif issubclass(cls, FilterSet) and cls is not FilterSet:
                fields = ((n, f.field) for n, f in cls.base_filters.items())
            else:
                continue
            for name, field in fields:
                if isinstance(field, forms.DateField):
                    yield f"{cls.__module__}.{cls.__name__}.{name}", field


def test_the_project_has_date_fields_to_check():
    assert len(list(date_fields())) >= 10


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_date_input_renders_iso(language):
    wrong = []
    with translation.override(language):
        for where, field in date_fields():
            html = field.widget.render("d", DAY)
            if 'value="2020-05-01"' not in html:
                wrong.append(f"{where}: {html}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("typed", ["2020-05-01", "2020/05/01", "2020年5月1日"])
def test_dates_typed_the_chinese_way_are_accepted(typed):
    with translation.override("zh-hans"):
        assert forms.DateField().clean(typed) == DAY
