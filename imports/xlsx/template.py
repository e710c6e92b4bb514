"""The import template offered for download (§13): 户信息 and 家庭成员 with the Chinese headers of §3,
drop-down lists of every choice (from a hidden sheet 选项), an instructions sheet and an example row."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from households import choices as c
from households.idnumber import check_char

from .columns import (
    EXAMPLE_KEY,
    HOUSEHOLD_COLUMNS,
    HOUSEHOLD_SHEET,
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

INSTRUCTIONS = [
    "填表说明",
    "1. 本模板有两张表：“户信息”每户一行，“家庭成员”每人一行；两表通过“户编号”关联。",
    "2. 新户可填写临时户编号（如 1、2、3）：导入时系统按“村代码 + 4 位序号”分配正式户编号；"
    "若填写“村代码 + 4 位序号”格式的编号则沿用。已有户请填写系统中的户编号，导入即更新该户。",
    "3. 村代码为 12 位统计用区划代码，只能导入到您管辖范围内的村。",
    "4. 证件号码为 18 位居民身份证号码，出生日期和性别由号码自动得出；仅“其他证件”需填写出生日期和性别。",
    "5. 有下拉列表的列请从列表中选择；是/否 列填写“是”或“否”。面积、距离等数值不能为负，务工时间为 0–12 个月。",
    "6. 每户必须有且只有一名“户主”，最多一名“配偶”；同一人不能出现在两户中。",
    "7. 请勿使用公式：含公式的单元格会被拒绝。文件不超过 20 MB。",
    "8. 户编号为“示例”的行是填写示例，导入时忽略，可直接删除或覆盖。",
    "9. 上传后系统先检查全部数据并给出逐行错误报告（可下载标注了错误的文件）；有错误的文件不会导入，"
    "除非您选择“只导入无误的户”。重复导入同一文件会更新已导入的户，不会重复登记。",
]


def _choice_lists(ws) -> dict:
    """Write every list of choices to the hidden sheet; return the range formula of each."""
    lists = {}
    classes = []
    for col in HOUSEHOLD_COLUMNS + MEMBER_COLUMNS:
        if col.kind == "choice" and col.choices not in classes:
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
            dv.error, dv.errorTitle = "请从下拉列表中选择", "输入值无效"
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
    for i, line in enumerate(INSTRUCTIONS, start=1):
        info.cell(row=i, column=1, value=line).alignment = Alignment(wrap_text=True)
    info["A1"].font = Font(bold=True, size=14)
    households = wb.create_sheet(HOUSEHOLD_SHEET)
    members = wb.create_sheet(MEMBER_SHEET)
    options = wb.create_sheet(OPTION_SHEET)
    lists = _choice_lists(options)
    options.sheet_state = "hidden"
    _data_sheet(households, HOUSEHOLD_COLUMNS, EXAMPLE_HOUSEHOLD, lists)
    _data_sheet(members, MEMBER_COLUMNS, EXAMPLE_MEMBER, lists)
    wb.active = 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


__all__ = ["build_template", "EXAMPLE_ID", "c"]
