"""Serializers of the region tree in the API (§2, §13)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from villages.models import PovertyCountyKind, Region


class RegionSerializer(serializers.ModelSerializer):
    # The stubs give every Field a `parent` (the serializer it is bound to); at runtime DRF's metaclass
    # pops declared fields off the class, so a field named after the model's `parent` clashes only there.
    parent: serializers.SlugRelatedField[Region] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", read_only=True, allow_null=True, help_text=_("The parent's code")
    )
    children_count = serializers.IntegerField(read_only=True, help_text=_("Number of direct children"))
    # The flags of the working year (villages.flags), under the names the API has always used.
    is_poverty_village = serializers.BooleanField(source="year_is_poverty_village", read_only=True)
    is_deep_poverty = serializers.BooleanField(source="year_is_deep_poverty", read_only=True)
    is_border_village = serializers.BooleanField(source="year_is_border_village", read_only=True)
    poverty_county = serializers.ChoiceField(
        choices=PovertyCountyKind.choices, source="year_poverty_county", read_only=True
    )

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
            "exit_year",
            "first_secretary",
            "work_team",
        ]
        read_only_fields = fields
