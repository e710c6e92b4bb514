"""Chinese number conventions of government statistics: 1,234,567.89 (groups of three, comma), as
style.md asks; Django's own zh_Hans format groups by four without a separator."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
