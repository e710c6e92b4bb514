"""The fund ledger of §11 as a standard table (§12): every disbursement with where the money came from
(source, allocation document, county) and where it went (project, unit or household). Scoped by
funds.selectors.disbursement_list_for; household payments show the household number only (§12)."""

from django.utils.translation import gettext_lazy as _

from accounts import access
from funds.choices import EntryKind, Payee
from funds.selectors import disbursement_list_for
from projects.choices import AssistanceCategory, FundSource
from villages.models import Level

from .base import CHOICE, DATE, NUMBER, YEAR, Column, Context, Filter, Table, choice_filter, register, year_field


def ledger(ctx: Context):
    qs = disbursement_list_for(ctx.user)
    region = ctx.region
    if region.level in (Level.PROVINCE, Level.CITY, Level.COUNTY):
        return qs.filter(access.region_q(region, "arrangement__allocation__county"))
    # Below a county: payments to its households and to projects that name its villages.
    return qs.filter(
        access.region_q(region, "household__village") | access.region_q(region, "arrangement__project__villages")
    ).distinct()


register(
    Table(
        key="fund_ledger",
        title=_("Fund ledger"),
        group=_("Projects and funds"),
        description=_("Every disbursement with its source, allocation and project; reversals are negative."),
        build=ledger,
        columns=[
            Column("date", _("Date"), "date", DATE),
            Column("county", _("County"), "arrangement__allocation__county__name"),
            Column("source", _("Fund source"), "arrangement__allocation__source", CHOICE, FundSource.choices),
            Column("fund_year", _("Fund year"), "arrangement__allocation__year", NUMBER, fmt=YEAR),
            Column("document", _("Document number"), "arrangement__allocation__document_number"),
            Column("project", _("Project"), "arrangement__project__name"),
            Column("payee", _("Paid to"), "payee", CHOICE, Payee.choices),
            Column("unit", _("Receiving unit"), "payee_unit"),
            Column("household", _("Household number"), "household__number"),
            Column("category", _("Category"), "category", CHOICE, AssistanceCategory.choices),
            Column("kind", _("Kind"), "kind", CHOICE, EntryKind.choices),
            Column("amount", _("Amount (yuan)"), "signed_amount", NUMBER),
            Column("voucher", _("Voucher number"), "voucher"),
        ],
        order_by=("date", "id"),
        filters=(
            Filter("year", year_field(_("Year")), lambda qs, v: qs.filter(date__year=v)),
            choice_filter("source", _("Fund source"), FundSource.choices, "arrangement__allocation__source"),
            choice_filter("payee", _("Paid to"), Payee.choices, "payee"),
        ),
    )
)
