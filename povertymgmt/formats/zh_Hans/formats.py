"""Chinese number conventions of government statistics: 1,234,567.89 (groups of three, comma), as
style.md asks; Django's own zh_Hans format groups by four without a separator."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

# A date input's value must be ISO (yyyy-MM-dd) or the browser shows an empty field and the next submit
# loses the date (issue 15): Django renders a date widget's value with the first input format, so ISO
# comes first; the Chinese forms stay accepted when typed into a text field or an import.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M"]
