"""One number format (issue 15, item 9): a trigger's ratios read as percentages, its yuan with
thousands separators, both with two decimals."""

from django.utils import translation

from monitoring.templatetags.monitoring_tags import trigger_values


class Trigger:
    values = {"drop": "0.4281", "drop_ratio": "0.3", "net": "4072", "poverty_line": "4000", "policy_version": 3}


def test_ratios_are_percentages_and_yuan_are_grouped():
    with translation.override("zh-hans"):
        rows = dict((str(label), value) for label, value in trigger_values(Trigger))
    assert rows == {"降幅": "42.81%", "降幅标准": "30.00%", "纯收入": "4,072.00", "扶贫标准": "4,000.00"}
