"""The columns of the import template (§13): Chinese header → model field, and how a cell is read.

Header names are the Chinese field names of domain.md §3.1 (户信息, and the survey sheets 收入情况 and
两不愁评估 of issue 13) and §3.2 (家庭成员)."""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext as _

from households import choices as c

from .labels import FALSE_WORDS, TRUE_WORDS, lookup, norm

HOUSEHOLD_SHEET = "户信息"
MEMBER_SHEET = "家庭成员"
INCOME_SHEET = "收入情况"
ASSESSMENT_SHEET = "两不愁评估"
INSTRUCTION_SHEET = "填表说明"
OPTION_SHEET = "选项"
EXAMPLE_KEY = "示例"  # rows whose 户编号 is this are the template's example and are skipped


class CellError(ValueError):
    """A cell that cannot be read; the message says what to type instead."""


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str  # text, int, decimal, bool, choice, date, key
    required: bool = False
    max_length: int = 0
    choices: type[models.TextChoices] | None = None
    min_value: int | None = None
    max_value: int | None = None
    max_digits: int = 10
    decimal_places: int = 2
    pattern: str = ""
    sensitive: bool = False  # masked in reports for users without "view sensitive" (§9)


def _text(header, name, n, **kw):
    return Column(header, name, "text", max_length=n, **kw)


def _bool(header, name):
    return Column(header, name, "bool")


def _choice(header, name, cls, **kw):
    return Column(header, name, "choice", choices=cls, **kw)


def _area(header, name, digits=10):
    return Column(header, name, "decimal", max_digits=digits)


HOUSEHOLD_COLUMNS: list[Column] = [
    Column("户编号", "number", "key", required=True, max_length=20),
    Column("村代码", "village", "text", required=True, pattern=r"^\d{12}$"),
    _text("联系电话", "phone", 20, pattern=r"^[0-9+\- ]{5,20}$", sensitive=True),
    _text("开户银行", "bank_name", 100),
    _text("银行账号", "bank_account", 32, pattern=r"^[0-9 ]{8,32}$", sensitive=True),
    Column("识别年度", "identification_year", "int", required=True, min_value=2013, max_value=2100),
    _choice("识别标准", "identification_standard", c.IdentificationStandard),
    _choice("贫困户属性", "household_type", c.HouseholdType),
    _choice("主要致贫原因", "main_cause", c.Cause, required=True),
    _choice("其他致贫原因1", "other_cause_1", c.Cause),
    _choice("其他致贫原因2", "other_cause_2", c.Cause),
    _bool("军烈属", "is_military_family"),
    _bool("独生子女户", "is_only_child"),
    _bool("双女户", "is_two_daughters"),
    _area("耕地面积（亩）", "arable_land"),
    _area("有效灌溉面积（亩）", "irrigated_land"),
    _area("林地面积（亩）", "forest_land"),
    _area("退耕还林面积（亩）", "returned_farmland_forest"),
    _area("林果面积（亩）", "fruit_forest"),
    _area("牧草地面积（亩）", "grassland"),
    _area("水面面积（亩）", "water_surface"),
    _bool("生活用电", "has_household_electricity"),
    _bool("生产用电", "has_production_electricity"),
    _bool("广播电视", "has_radio_tv"),
    _area("与村主干路距离（公里）", "road_distance_km", digits=6),
    _choice("入户路类型", "road_type", c.RoadType),
    _area("住房面积（平方米）", "housing_area"),
    _choice("住房安全等级", "housing_grade", c.HousingGrade),
    _choice("危房改造", "renovation", c.Renovation),
    _choice("易地扶贫搬迁", "relocation", c.Relocation),
    _bool("是否解决安全饮用水", "has_safe_water"),
    _bool("卫生厕所", "has_sanitary_toilet"),
    _choice("主要燃料", "main_fuel", c.Fuel),
    _bool("加入农民专业合作社", "in_cooperative"),
    _bool("龙头企业带动", "led_by_enterprise"),
    _bool("致富带头人带动", "led_by_entrepreneur"),
]

MEMBER_COLUMNS: list[Column] = [
    Column("户编号", "household", "key", required=True, max_length=20),
    _text("姓名", "name", 50, required=True),
    _choice("证件类型", "id_type", c.IdType),
    Column("证件号码", "id_number", "text", required=True, max_length=18, sensitive=True),
    Column("出生日期", "birth_date", "date"),
    _choice("性别", "sex", c.Sex),
    _choice("与户主关系", "relationship", c.Relationship, required=True),
    _choice("民族", "ethnicity", c.Ethnicity),
    _choice("政治面貌", "political_status", c.PoliticalStatus),
    _choice("文化程度", "education", c.Education),
    _choice("在校生状况", "school_status", c.SchoolStatus),
    _choice("义务教育阶段未上学原因", "no_school_reason", c.NoSchoolReason),
    _bool("长期慢性病", "has_chronic_disease"),
    _bool("患有大病", "has_serious_illness"),
    _bool("残疾", "is_disabled"),
    _choice("残疾类别", "disability_category", c.DisabilityCategory, sensitive=True),
    _choice("残疾等级", "disability_grade", c.DisabilityGrade, sensitive=True),
    _text("残疾证号", "disability_certificate", 20, sensitive=True),
    _choice("劳动技能", "labour_ability", c.LabourAbility),
    _choice("务工状况", "work_status", c.WorkStatus),
    Column("务工时间（月）", "months_worked", "int", min_value=0, max_value=12),
    _bool("公益性岗位", "has_public_welfare_post"),
    _bool("城乡居民基本医疗保险", "has_resident_medical"),
    _bool("城镇职工基本医疗保险", "has_employee_medical"),
    _bool("大病保险", "has_critical_illness"),
    _bool("城乡居民基本养老保险", "has_resident_pension"),
    _bool("城镇职工基本养老保险", "has_employee_pension"),
    _bool("享受低保", "receives_dibao"),
    _bool("特困供养", "receives_tekun"),
    _bool("家庭医生签约", "has_family_doctor"),
    _bool("现役军人", "is_active_serviceman"),
    _choice("留守状况", "left_behind", c.LeftBehind),
]


def _money(header, name):
    return Column(header, name, "decimal", max_digits=12)


# The year's income survey (§3.1, issue 13): one row per household and year; the totals are derived.
# 更正原因 is needed only to change a closed year (before the working year), as on the household form.
INCOME_COLUMNS: list[Column] = [
    Column("户编号", "household", "key", required=True, max_length=20),
    Column("年度", "year", "int", required=True, min_value=2013, max_value=2100),
    _money("工资性收入（元）", "wages"),
    _money("生产经营性收入（元）", "business"),
    _money("财产性收入（元）", "property"),
    _money("计划生育金（元）", "family_planning"),
    _money("低保金（元）", "dibao"),
    _money("特困供养金（元）", "tekun"),
    _money("养老保险金（元）", "pension"),
    _money("生态补偿金（元）", "eco_compensation"),
    _money("其他转移性收入（元）", "other_transfer"),
    _money("生产经营性支出（元）", "business_costs"),
    _money("自付医疗支出（元）", "medical_expense"),
    _money("教育支出（元）", "education_expense"),
    _money("灾害损失（元）", "disaster_loss"),
    _text("更正原因", "reason", 100),
]

# The dated two no-worries assessment of a home visit (§3.1): one row per household and date.
ASSESSMENT_COLUMNS: list[Column] = [
    Column("户编号", "household", "key", required=True, max_length=20),
    Column("评估日期", "assessed_on", "date", required=True),
    Column("不愁吃", "food_secure", "bool", required=True),
    Column("不愁穿", "clothing_secure", "bool", required=True),
    _text("备注", "note", 200),
]

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_INTEGRAL = re.compile(r"^-?\d+(\.0+)?$")


def match_headers(headers: list[str | None], columns: list[Column]) -> tuple[list[int | None], list[str], list[str]]:
    """Position of each column in the file (None if absent), unknown headers, missing required headers."""
    wanted = {norm(col.header): i for i, col in enumerate(columns)}
    positions: list[int | None] = [None] * len(columns)
    unknown = []
    for pos, header in enumerate(headers):
        if header is None or not str(header).strip():
            continue
        i = wanted.get(norm(str(header)))
        if i is None or positions[i] is not None:
            unknown.append(str(header))
        else:
            positions[i] = pos
    missing = [col.header for col, p in zip(columns, positions, strict=True) if p is None and col.required]
    return positions, unknown, missing


def read_cell(col: Column, raw: str | None):
    """The model value of one cell (None when empty), or CellError with what to type instead."""
    if raw is None or raw == "":
        if col.required:
            raise CellError(_("This column must be filled in."))
        return None
    kind = col.kind
    if kind == "bool":
        word = raw.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise CellError(_("Choose 是 or 否."))
    if kind == "choice" and col.choices is not None:  # a choice column without choices ends at the AssertionError
        code = lookup(col.choices).get(norm(raw))
        if code is None:
            raise CellError(_("Choose one of the values of the drop-down list."))
        return code
    if kind in ("text", "key"):
        value = raw.strip()
        if col.max_length and len(value) > col.max_length:
            raise CellError(_("At most %(n)d characters.") % {"n": col.max_length})
        if col.pattern and not re.match(col.pattern, value):
            raise CellError(_("This value has the wrong format."))
        return value
    if kind == "int":
        if not _INTEGRAL.match(raw.strip()):
            raise CellError(_("Enter a whole number."))
        number = int(Decimal(raw.strip()))
        if (col.min_value is not None and number < col.min_value) or (
            col.max_value is not None and number > col.max_value
        ):
            raise CellError(_("Enter a number from %(lo)d to %(hi)d.") % {"lo": col.min_value, "hi": col.max_value})
        return number
    if kind == "decimal":
        try:
            amount = Decimal(raw.strip())
        except InvalidOperation:
            raise CellError(_("Enter a number.")) from None
        if not amount.is_finite():
            raise CellError(_("Enter a number."))
        if amount < 0:
            raise CellError(_("This value cannot be negative."))
        amount = amount.quantize(Decimal(1).scaleb(-col.decimal_places))
        if amount >= Decimal(10) ** (col.max_digits - col.decimal_places):
            raise CellError(_("This number is too large."))
        return amount
    if kind == "date":
        text = raw.strip()
        if _INTEGRAL.match(text):  # an Excel date serial
            return _EXCEL_EPOCH + dt.timedelta(days=int(Decimal(text)))
        try:
            return dt.date.fromisoformat(text.replace("/", "-").replace(".", "-")[:10])
        except ValueError:
            raise CellError(_("Enter a date as 2019-10-15.")) from None
    raise AssertionError(kind)
