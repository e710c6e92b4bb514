"""Template tags of the workflows: the inbox count of the top bar (§1) and labels of states, steps and roles."""

from django import template
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext as _

from accounts.models import Role
from workflows import definitions as d
from workflows.selectors import inbox_total

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_count(context) -> str:
    """A link to the inbox (待我处理) with the number of cases waiting for the user (two queries)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    n = inbox_total(user)
    return format_html(
        '<a class="nav-link text-white" href="{}" data-testid="inbox-count" data-menu-link="workflows:inbox">'
        '{} <span class="badge text-bg-light">{}</span></a>',
        reverse("workflows:inbox"),
        _("My inbox"),
        n,
    )


@register.filter
def state_label(value: str) -> str | Promise:
    try:
        return d.State(value).label
    except ValueError:
        return value


@register.filter
def case_type_label(value: str) -> str | Promise:
    try:
        return d.CaseType(value).label
    except ValueError:
        return value


@register.filter
def role_label(value: str) -> str | Promise:
    try:
        return Role(value).label
    except ValueError:
        return value


@register.filter
def step_label(step_name: str, case_type: str) -> str:
    """The label of a step of a case type ("open" is the proposal or application)."""
    if step_name == "open":
        return _("Case opened")
    wf = d.WORKFLOWS.get(case_type)
    t = wf.transition(step_name) if wf else None
    return str(t.label) if t else step_name


@register.filter
def choice_label(value, choices_name: str) -> str:
    """The label of a stored households.choices value (sealed dossiers keep codes, pages show labels)."""
    from households import choices as hc

    choices = getattr(hc, choices_name, None)
    if choices is None or value in (None, ""):
        return value if value is not None else ""
    try:
        return choices(value).label
    except ValueError:
        return value


@register.filter
def yes_no(value) -> str:
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if value is None:
        return _("Missing")
    return value


@register.filter
def lookup(mapping, key):
    """mapping[key] in a template, None when absent."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def file_kind(content_type: str) -> str:
    """{{ a.content_type|file_kind }}: "PDF file" or "Image" rather than a MIME type (workflows.dossier)."""
    from workflows.dossier import file_kind as kind

    return kind(content_type or "")


@register.filter
def evidence_kind(value: str) -> str | Promise:
    from workflows.models import AttachmentKind

    try:
        return AttachmentKind(value).label
    except ValueError:
        return value
