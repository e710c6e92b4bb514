"""The data-quality check of one household right after a page saved it or one of its members (§8.2: checks
run "nightly and on save"). monitoring/apps.py registers it with households.hooks, so the registry never
imports monitoring (docs/architecture.md).

The findings are those of monitoring.rules.household.quality_check_household: the nightly statements
restricted to the household, read and not written, so tomorrow's list agrees. Each is worded for the user
who saved (monitoring_tags.finding_message): a health finding reads neutrally, without the member's name,
for a role that may not see health data (§9)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from households.hooks import Note
from households.models import Household

from .models import QualityFinding
from .rules.household import Finding, quality_check_household
from .selectors import finding_hides_health
from .templatetags.monitoring_tags import finding_message


def quality_notes_after_save(*, user: User, household: Household) -> list[Note]:
    """§8.2: the household's findings now, as notes for its page (a first line with their number)."""
    findings = quality_check_household(household)
    if not findings:
        return [Note(_("Data-quality check after the save: no problem found."))]
    n = len(findings)
    heading = ngettext(
        "Data-quality check after the save: %(n)d problem. It stays on the data-quality list until corrected.",
        "Data-quality check after the save: %(n)d problems. They stay on the data-quality list until corrected.",
        n,
    ) % {"n": n}
    return [Note(heading, warning=True), *(Note(finding_text(f, user), warning=True) for f in findings)]


def finding_text(finding: Finding, user: User) -> str:
    """One finding in words, with its code and, unless it is a hidden health finding, the member's name."""
    stored = QualityFinding(code=finding.code, kind=finding.kind, severity=finding.severity, detail=finding.detail)
    problem = finding_message(stored, user)
    if finding.member is None or finding_hides_health(stored, user):
        return _("%(check)s: %(problem)s") % {"check": finding.code, "problem": problem}
    return _("%(check)s %(member)s: %(problem)s") % {
        "check": finding.code,
        "member": finding.member.name,
        "problem": problem,
    }
