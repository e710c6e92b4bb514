"""Abstract bases shared by every app."""

from django.conf import settings
from django.db import models
from django.db.models import Field
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _

_LABELS: dict[Field, dict] = {}


class ChoiceLabels:
    """get_FOO_display() from each field's choices made into a dict once (Django makes the dict again
    on every call: 20 statuses and types cost 0.6 ms of a household list, issue 16). The labels stay
    lazy, so each call still speaks the request's language."""

    def _get_FIELD_display(self, field: Field) -> str:
        labels = _LABELS.get(field)
        if labels is None:
            labels = _LABELS[field] = dict(make_hashable(field.flatchoices))
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


class TimeStampedModel(ChoiceLabels, models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True
