"""`{% household_assistance household %}`: the assistance block of a household's page (§4)."""

from django import template

from ..selectors import household_assistance as household_assistance_data

register = template.Library()


@register.inclusion_tag("assistance/partials/household_assistance.html", takes_context=True)
def household_assistance(context, household):
    # The caller already scoped `household` through households.selectors; only its own rows are read here.
    request = context.get("request")
    user = getattr(request, "user", None)
    from ..services import can_record_assistance

    data = household_assistance_data(household)
    data.update(
        household=household,
        can_record=bool(user and user.is_authenticated and can_record_assistance(user, household, scoped=True)),
    )
    return data
