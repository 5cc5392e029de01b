"""Synthetic, already-masked notice snapshots for tests, benchmarks and previews.

All names are invented; masking follows the board style (middle character replaced by *).
"""

from __future__ import annotations

import hashlib
import json
import random
from decimal import Decimal

SURNAMES = (
    "张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "皇甫", "东方", "慕容", "令狐")
GIVEN = "丰华明建国秀英兰芳军平桂珍玉梅志强伟刚文辉红霞春燕德福海涛金凤丽娟永胜瑞林"
# Real-world hard cases: an astral-plane character and a transliterated name with ·.
SPECIAL_NAMES = ("𠮷*华", "阿*拉·艾合买提", "𠮷*", "买买提·吐*逊")
GROUPS = ("一组", "二组", "三组", "四组", "五组", "六组")
CATEGORIES = ("A类", "B类", "C类")


def masked_name(rng: random.Random, index: int) -> str:
    if index % 37 == 5:
        return SPECIAL_NAMES[(index // 37) % len(SPECIAL_NAMES)]
    if index % 11 == 3:
        return rng.choice(COMPOUND_SURNAMES) + "*" + rng.choice(GIVEN)
    surname = rng.choice(SURNAMES)
    if rng.random() < 0.25:
        return surname + "*"
    return surname + "*" + rng.choice(GIVEN)


def sample_snapshot(
    rows: int = 30,
    *,
    village: str = "东风村",
    seed: int = 1,
    kind: str = "pre_approval",
) -> dict:
    """A dibao notice snapshot with ``rows`` households."""
    rng = random.Random(seed)
    body = []
    total_persons = 0
    total_amount = Decimal(0)
    for i in range(1, rows + 1):
        persons = rng.choice((1, 1, 2, 2, 3, 3, 4, 5))
        amount = Decimal(rng.randrange(400, 900) * persons) + Decimal("0.00")
        total_persons += persons
        total_amount += amount
        body.append(
            {
                "line": i,
                "name": masked_name(rng, i),
                "group": rng.choice(GROUPS),
                "persons": persons,
                "category": rng.choice(CATEGORIES),
                "amount": f"{amount:.2f}",
                "note": "新增" if kind == "pre_approval" and rng.random() < 0.3 else "",
            }
        )
    pre = kind == "pre_approval"
    what = "拟保对象公示" if pre else "保障对象名册"
    return {
        "schema": 1,
        "kind": kind,
        "program": "dibao",
        "title": f"新店镇{village}2026年11月城乡最低生活保障{what}",
        "region": {"county": "示范县", "township": "新店镇", "village": village},
        "period": {"start": "2026-11-20", "end": "2026-11-26"} if pre else None,
        "month": "2026-11",
        "columns": [
            {"key": "line", "label": "序号"},
            {"key": "name", "label": "户主姓名"},
            {"key": "group", "label": "村民小组"},
            {"key": "persons", "label": "保障人数"},
            {"key": "category", "label": "保障类别"},
            {"key": "amount", "label": "月保障金额（元）", "align": "right"},
            {"key": "note", "label": "备注"},
        ],
        "rows": body,
        "totals": {
            "label": "合计",
            "households": rows,
            "persons": total_persons,
            "amount": f"{total_amount:.2f}",
        },
        "phones": {"township": "0591-12345678", "county": "0591-87654321"},
        "panel": ["李*", "王*", "陈*华", "欧阳*明", "赵*"] if pre else [],
        "objection_howto": (
            "公示期内如有异议，请向镇社会救助经办机构或县民政局反映，也可扫描二维码在线提出。"
        ),
        "issuer": "新店镇人民政府",
        "issued_on": "2026-11-20",
    }


def sample_kwargs(rows: int = 30, *, village: str = "东风村", seed: int = 1) -> dict:
    """Keyword arguments for ``render_notice_pdf`` around :func:`sample_snapshot`."""
    code = f"{seed * 7919 % 10000:04d}-{seed * 104729 % 10000:04d}"
    snapshot = sample_snapshot(rows, village=village, seed=seed)
    canonical = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return {
        "snapshot": snapshot,
        "channel": "board",
        "paper": "A4-portrait",
        "verification_code": code,
        "public_url": f"https://gs.example.gov.cn/v/{code}",
        "snapshot_sha256": hashlib.sha256(canonical.encode()).hexdigest(),
    }
