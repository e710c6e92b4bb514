"""Reading exports back in tests."""

import csv
import io

import openpyxl


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8").removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(data: bytes) -> list[list]:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    ws = wb.worksheets[0]
    return [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]


def response_bytes(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def page_rows(response) -> list[list[str]]:
    """The rows of the report table on a page, as the template printed them."""
    return [[("" if v is None else str(v)) for v in row] for row in response.context["page"].object_list]
