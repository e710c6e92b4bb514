"""The import template offered for download (§13): 户信息 and 家庭成员 with the Chinese headers of §3,
the survey sheets 收入情况 and 两不愁评估 (issue 13), drop-down lists of every choice (from a hidden sheet
选项), an instructions sheet and an example row on each sheet."""

import io

from django.db.models import TextChoices
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from households import choices as c
from households.idnumber import check_char

from .columns import (
    ASSESSMENT_COLUMNS,
    ASSESSMENT_SHEET,
    EXAMPLE_KEY,
    HOUSEHOLD_COLUMNS,
    HOUSEHOLD_SHEET,
    INCOME_COLUMNS,
    INCOME_SHEET,
    INSTRUCTION_SHEET,
    MEMBER_COLUMNS,
    MEMBER_SHEET,
    OPTION_SHEET,
)
from .labels import NO, YES, zh_labels

DATA_ROWS = 5000  # drop-downs cover this many rows; more rows are read all the same
HEADER_FILL = PatternFill("solid", fgColor="F4CCCC")
REQUIRED_FONT = Font(bold=True, color="B3261E")

_EXAMPLE_ID = "21122419800101001"
EXAMPLE_ID = _EXAMPLE_ID + check_char(_EXAMPLE_ID)

EXAMPLE_HOUSEHOLD = {
    "number": EXAMPLE_KEY,
    "village": "211224100001",
    "identification_year": "2016",
    "main_cause": "因病",
    "identification_standard": "国家标准",
    "household_type": "一般贫困户",
    "arable_land": "5.5",
    "housing_grade": "B级",
    "renovation": "未改造",
    "relocation": "未搬迁",
    "has_safe_water": YES,
}
EXAMPLE_MEMBER = {
    "household": EXAMPLE_KEY,
    "name": "张三",
    "id_type": "居民身份证",
    "id_number": EXAMPLE_ID,
    "relationship": "户主",
    "ethnicity": "汉族",
    "political_status": "群众",
    "education": "初中",
    "school_status": "非在校生",
    "labour_ability": "普通劳动力",
    "months_worked": "6",
    "has_resident_medical": YES,
    "has_chronic_disease": NO,
}
EXAMPLE_INCOME = {
    "household": EXAMPLE_KEY,
    "year": "2020",
    "wages": "12000",
    "business": "3000",
    "dibao": "1800",
    "business_costs": "1000",
    "medical_expense": "600",
}
EXAMPLE_ASSESSMENT = {
    "household": EXAMPLE_KEY,
    "assessed_on": "2020-10-15",
    "food_secure": YES,
    "clothing_secure": YES,
    "note": "入户走访",
}


def instructions() -> list[str]:
    """The instructions sheet, in the user's language (the sheet and column names stay Chinese)."""
    return [
        _("How to fill in this template"),
        _("1. Two sheets: 户信息 has one row per household, 家庭成员 one row per person; 户编号 links them."),
        _(
            "2. A new household may have a temporary 户编号 (1, 2, 3 …): the system assigns the real number, "
            "village code + 4 digits. A number of that form is kept. For a registered household give its "
            "number: the import updates it."
        ),
        _("3. 村代码 is the 12-digit statistical division code; only villages in your area are accepted."),
        _(
            "4. 证件号码 is the 18-character resident ID number: birth date and sex are taken from it. Fill in "
            "出生日期 and 性别 only for other certificates."
        ),
        _(
            "5. Choose from the drop-down lists; answer yes/no columns with 是 or 否. Areas and distances "
            "cannot be negative; months worked are 0 to 12."
        ),
        _("6. Every household has exactly one 户主 and at most one 配偶; one person cannot be in two households."),
        _("7. Do not use formulas: cells with a formula are refused. The file may be up to 20 MB."),
        _("8. Rows whose 户编号 is 示例 are the example and are skipped: delete or overwrite them."),
        _(
            "9. After the upload every row is checked and a report lists each error (with a copy of the file "
            "with the errors marked). A file with errors is not imported unless you choose to import only the "
            "valid households. Importing the same file again updates the households, it never registers "
            "them twice."
        ),
        _(
            "10. 收入情况 holds the income survey: one row per household and year (年度), amounts in yuan; "
            "net income and per-capita income are computed, not typed. A year runs from the household's "
            "identification year to the working year; a year before the working year is closed, and changing "
            "its income needs 更正原因. Importing a household and year again corrects its record."
        ),
        _(
            "11. 两不愁评估 holds the two no-worries assessments of home visits: 评估日期, 不愁吃 and 不愁穿 (是 or "
            "否). A household and date already recorded is corrected, not repeated."
        ),
        _(
            "12. A file may hold only 收入情况 and 两不愁评估 (a village's survey of the year): their 户编号 must "
            "then be registered households of your area. Delete the sheets you do not use, or leave them empty."
        ),
    ]


def _choice_lists(ws) -> dict:
    """Write every list of choices to the hidden sheet; return the range formula of each."""
    lists: dict[type, str] = {}  # keyed by the choices class, and by bool for the yes/no list
    classes: list[type[TextChoices]] = []
    for col in HOUSEHOLD_COLUMNS + MEMBER_COLUMNS:
        if col.kind == "choice" and col.choices is not None and col.choices not in classes:
            classes.append(col.choices)
    for i, cls in enumerate(classes, start=1):
        letter = get_column_letter(i)
        labels = zh_labels(cls)
        ws.cell(row=1, column=i, value=cls.__name__)
        for j, label in enumerate(labels, start=2):
            ws.cell(row=j, column=i, value=label)
        lists[cls] = f"'{OPTION_SHEET}'!${letter}$2:${letter}${len(labels) + 1}"
    bool_col = get_column_letter(len(classes) + 1)
    ws.cell(row=1, column=len(classes) + 1, value="bool")
    ws.cell(row=2, column=len(classes) + 1, value=YES)
    ws.cell(row=3, column=len(classes) + 1, value=NO)
    lists[bool] = f"'{OPTION_SHEET}'!${bool_col}$2:${bool_col}$3"
    return lists


def _data_sheet(ws, columns, example, lists) -> None:
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i, value=col.header)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if col.required:
            cell.font = REQUIRED_FONT
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = max(10, min(30, len(col.header) * 2 + 2))
        source = lists.get(col.choices) if col.kind == "choice" else lists[bool] if col.kind == "bool" else None
        if source:
            dv = DataValidation(type="list", formula1=f"={source}", allow_blank=True, showErrorMessage=True)
            dv.error, dv.errorTitle = _("Choose a value from the drop-down list."), _("Invalid value")
            dv.add(f"{letter}2:{letter}{DATA_ROWS}")
            ws.add_data_validation(dv)
        if col.kind in ("text", "key"):
            # Long digit strings (户编号, 证件号码, 村代码) must stay text, or Excel rounds them.
            for row in range(2, 3):
                ws.cell(row=row, column=i).number_format = "@"
            ws.column_dimensions[letter].number_format = "@"
        value = example.get(col.field)
        if value is not None:
            ws.cell(row=2, column=i, value=value).number_format = "@"
    ws.freeze_panes = "B2"


def build_template() -> bytes:
    """The template workbook as bytes."""
    wb = Workbook()
    info = wb.active
    info.title = INSTRUCTION_SHEET
    info.column_dimensions["A"].width = 120
    for i, line in enumerate(instructions(), start=1):
        info.cell(row=i, column=1, value=line).alignment = Alignment(wrap_text=True)
    info["A1"].font = Font(bold=True, size=14)
    households = wb.create_sheet(HOUSEHOLD_SHEET)
    members = wb.create_sheet(MEMBER_SHEET)
    incomes = wb.create_sheet(INCOME_SHEET)
    assessments = wb.create_sheet(ASSESSMENT_SHEET)
    options = wb.create_sheet(OPTION_SHEET)
    lists = _choice_lists(options)
    options.sheet_state = "hidden"
    _data_sheet(households, HOUSEHOLD_COLUMNS, EXAMPLE_HOUSEHOLD, lists)
    _data_sheet(members, MEMBER_COLUMNS, EXAMPLE_MEMBER, lists)
    _data_sheet(incomes, INCOME_COLUMNS, EXAMPLE_INCOME, lists)
    _data_sheet(assessments, ASSESSMENT_COLUMNS, EXAMPLE_ASSESSMENT, lists)
    wb.active = 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


__all__ = ["build_template", "EXAMPLE_ID", "c"]
