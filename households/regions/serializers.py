"""Serializers of the region tree in the API (§2, §13)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from villages.models import Region


class RegionSerializer(serializers.ModelSerializer):
    # The stubs give every Field a `parent` (the serializer it is bound to); at runtime DRF's metaclass
    # pops declared fields off the class, so a field named after the model's `parent` clashes only there.
    parent: serializers.SlugRelatedField[Region] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", read_only=True, allow_null=True, help_text=_("The parent's code")
    )
    children_count = serializers.IntegerField(read_only=True, help_text=_("Number of direct children"))

    class Meta:
        model = Region
        fields = [
            "code",
            "name",
            "level",
            "parent",
            "children_count",
            "is_poverty_village",
            "is_deep_poverty",
            "is_border_village",
            "poverty_county",
            "first_secretary",
            "work_team",
        ]
        read_only_fields = fields
