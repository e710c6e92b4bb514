"""Helpers of the import tests: real XLSX files written with openpyxl, uploads through the views."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from imports.xlsx.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS
from tests import factories as f

H_HEADERS = [col.header for col in HOUSEHOLD_COLUMNS]
M_HEADERS = [col.header for col in MEMBER_COLUMNS]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def household_row(key, village="211224100001", **extra):
    row = {"户编号": key, "村代码": village, "识别年度": 2016, "主要致贫原因": "因病", "耕地面积（亩）": 3.5}
    row.update(extra)
    return row


def member_row(key, relationship="户主", id_number=None, **extra):
    row = {
        "户编号": key,
        "姓名": extra.pop("name", "张三"),
        "证件号码": id_number or f.id_number(),
        "与户主关系": relationship,
        "民族": "汉族",
        "城乡居民基本医疗保险": "是",
        "务工时间（月）": 6,
    }
    row.update(extra)
    return row


def xlsx_bytes(households, members, *, h_headers=None, m_headers=None) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, headers, rows in (
        ("户信息", h_headers or H_HEADERS, households),
        ("家庭成员", m_headers or M_HEADERS, members),
    ):
        ws = wb.create_sheet(title)
        ws.append(headers)
        for row in rows:
            ws.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name="households.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def post_file(client, capture, data, name="households.xlsx"):
    """Upload through the page; the eager task runs when the request's transaction commits."""
    with capture(execute=True):
        return client.post("/imports/", {"file": upload(data, name)})


def commit(client, capture, job, valid_only=False):
    with capture(execute=True):
        return client.post(f"/imports/{job.pk}/commit/", {"valid_only": "on"} if valid_only else {})
