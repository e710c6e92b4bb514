"""The ledger's blocks on the pages of the project library (§11, §12): a project's arrangements on its
page and a county's fund use on its public notice page. Template tags, so those pages show the ledger
while projects never imports funds (as `{% household_assistance %}` shows assistance on a household's page).
"""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def project_arrangements(project):
    """`{% project_arrangements project as arrangements %}`: the caller has scoped `project`."""
    return selectors.project_arrangements(project)


@register.simple_tag
def public_fund_use(county):
    """`{% public_fund_use county as funds %}`: §12, no personal data."""
    return selectors.public_fund_use(county)
