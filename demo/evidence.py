"""Evidence files of the demo's cases (§6.1): a scanned signed form (PDF) and a photo of the house (PNG).

Both are written byte by byte (no imaging library), small and valid, so the workflows' upload check
(recognised by content, at most 5 MB) accepts them and the dossier shows and embeds them.
"""

import functools
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile


def _pdf(lines: list[str]) -> bytes:
    """A one-page PDF with lines of ASCII text in Helvetica."""
    escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
    text = " ".join(f"({line}) Tj 0 -24 Td" for line in escaped)
    content = f"BT /F1 14 Tf 72 760 Td {text} ET 0.5 w 72 520 m 300 520 l S"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += b"".join(f"{offset:010d} 00000 n \n".encode("ascii") for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode("ascii")
    return out


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


@functools.cache
def _house_png(width: int = 160, height: int = 120) -> bytes:
    """A drawing of a house (sky, roof, walls, door, ground) as an RGB PNG."""
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")  # filter type: none
        for x in range(width):
            roof = 30 <= y < 60 and abs(x - 80) <= (y - 30) * 55 // 30
            if y >= 100:
                pixel = (96, 150, 70)  # ground
            elif 60 <= y < 100 and 35 <= x < 125:
                pixel = (110, 70, 40) if 70 <= x < 90 and y >= 75 else (225, 215, 190)  # door, walls
            elif roof:
                pixel = (170, 50, 40)
            else:
                pixel = (170, 205, 235)  # sky
            row += bytes(pixel)
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + _chunk(b"IEND", b"")
    )


def signed_form(number: str, day) -> SimpleUploadedFile:
    """The household head's signed confirmation 拟退出户认可书 (§6.1 step 3), as scanned."""
    lines = ["Exit confirmation of the household head", f"Household {number}", f"Signed on {day:%Y-%m-%d}"]
    return SimpleUploadedFile(f"confirmation-{number}.pdf", _pdf(lines), content_type="application/pdf")


def house_photo(number: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"house-{number}.png", _house_png(), content_type="image/png")
