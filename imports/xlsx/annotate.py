"""The annotated copy of an uploaded file (§13): every cell in error filled red with a comment.

Streams the upload row by row into a write-only workbook, so memory stays flat; formulas are copied
as text, never as formulas."""

from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook as OutBook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from .columns import ASSESSMENT_SHEET, HOUSEHOLD_SHEET, INCOME_SHEET, MEMBER_SHEET
from .reader import Workbook, column_index

ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
ROW_FILL = PatternFill("solid", fgColor="FFEB9C")


def annotated_copy(*, source, target, issues: Iterable) -> None:
    """Write `source` to `target` with the issues (objects with sheet, row, column, message) marked."""
    marks: dict[str, dict[int, dict[int, list[str]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for issue in issues:
        col = column_index(issue.column) if issue.column else -1
        header = f"{issue.header}: " if issue.header and not issue.column else ""
        marks[issue.sheet][issue.row][col].append(header + issue.message)
    book = Workbook(source)
    out = OutBook(write_only=True)
    try:
        for sheet in (HOUSEHOLD_SHEET, MEMBER_SHEET, INCOME_SHEET, ASSESSMENT_SHEET):
            if sheet not in book.sheets:
                continue
            ws = out.create_sheet(sheet)
            sheet_marks = marks.get(sheet, {})
            for row_number, values, formulas in book.rows(sheet, width=256):
                row_marks = sheet_marks.get(row_number, {})
                width = max([len(values)] + [c + 1 for c in row_marks])
                while width and values[width - 1] is None and width - 1 not in row_marks:
                    width -= 1
                cells = []
                for col in range(width):
                    value = values[col] if col < len(values) else None
                    cell = WriteOnlyCell(ws, value=value)
                    if value is not None and str(value).startswith("="):
                        cell.data_type = "s"  # never a formula
                    if col in formulas:
                        cell.value, cell.data_type = _("(formula)"), "s"
                    notes = row_marks.get(col)
                    if notes:
                        cell.fill = ERROR_FILL
                        cell.comment = Comment("\n".join(notes), "povertymgmt", width=300, height=120)
                    elif -1 in row_marks and col == 0:
                        cell.fill = ROW_FILL
                        cell.comment = Comment("\n".join(row_marks[-1]), "povertymgmt", width=300, height=120)
                    cells.append(cell)
                ws.append(cells)
    finally:
        book.close()
    out.save(target)
