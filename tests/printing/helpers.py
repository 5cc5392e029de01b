"""Helpers for the printing tests: explicit snapshots and PDF text extraction."""

from __future__ import annotations

import copy
import io
import shutil
import subprocess

from pypdf import PdfReader

SHA = "3f" * 32


def make_snapshot(rows: list[dict], **overrides) -> dict:
    """A small, explicit snapshot around ``rows`` (line/name/persons/amount columns)."""
    snap = {
        "schema": 1,
        "kind": "pre_approval",
        "program": "dibao",
        "title": "新店镇东风村2026年11月城乡最低生活保障拟保对象公示",
        "region": {"county": "示范县", "township": "新店镇", "village": "东风村"},
        "period": {"start": "2026-11-20", "end": "2026-11-26"},
        "month": "2026-11",
        "columns": [
            {"key": "line", "label": "序号"},
            {"key": "name", "label": "户主姓名"},
            {"key": "persons", "label": "保障人数"},
            {"key": "amount", "label": "月保障金额（元）", "align": "right"},
        ],
        "rows": rows,
        "totals": {
            "label": "合计",
            "households": len(rows),
            "persons": sum(r["persons"] for r in rows),
            "amount": f"{sum(float(r['amount']) for r in rows):.2f}",
        },
        "phones": {"township": "0591-12345678", "county": "0591-87654321"},
        "panel": ["李四", "王五"],
        "objection_howto": (
            "公示期内如有异议，请向镇社会救助经办机构或县民政局反映，也可扫描二维码在线提出。"
        ),
        "issuer": "新店镇人民政府",
        "issued_on": "2026-11-20",
    }
    snap.update(overrides)
    return snap


def render_kwargs(snapshot: dict, **overrides) -> dict:
    kwargs = {
        "channel": "board",
        "paper": "A4-portrait",
        "verification_code": "K7Q2-9XPD",
        "public_url": "https://gs.example.gov.cn/v/K7Q2-9XPD",
        "snapshot_sha256": SHA,
    }
    kwargs.update(overrides)
    return {"snapshot": copy.deepcopy(snapshot), **kwargs}


def page_texts(pdf: bytes) -> list[str]:
    """Text of every page, via pypdf."""
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def pdftotext(pdf: bytes) -> str | None:
    """Text via poppler's pdftotext if installed (a second, independent extractor)."""
    exe = shutil.which("pdftotext")
    if exe is None:
        return None
    return subprocess.run(
        [exe, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")


def embedded_fonts(pdf: bytes) -> list[tuple[str, str, bytes, set[int]]]:
    """Each page's fonts as (name, subtype of the embedded program, the program, the glyph
    codes the PDF gives widths for, which are the codes its text uses)."""
    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            stream = descendant["/FontDescriptor"].get_object()["/FontFile3"].get_object()
            codes, widths = set(), list(descendant["/W"])
            for first, run in zip(widths[::2], widths[1::2], strict=True):  # WeasyPrint: c [w …]
                codes.update(range(int(first), int(first) + len(run)))
            found.append(
                (str(font["/BaseFont"]), str(stream["/Subtype"]), stream.get_data(), codes)
            )
    return found
