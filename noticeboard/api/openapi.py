"""The OpenAPI 3.1 document of the public API (/api/v1/openapi.json), written by hand next to
the views it describes; tests/api/test_openapi.py checks every answer against it."""

from flask import current_app

from noticeboard.cases.models import Program
from noticeboard.notices.models import NoticeKind
from noticeboard.portal.services import PUBLIC_STATES

NULLABLE_STRING = {"type": ["string", "null"]}
DECIMAL = {"type": "string", "pattern": r"^\d+\.\d{2}$", "description": "元，两位小数"}


def _parameter(name: str, description: str, schema: dict, where: str = "query") -> dict:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema,
    }


def _answer(description: str, schema_name: str) -> dict:
    return {
        "description": description,
        "headers": {
            "ETag": {"description": "弱 ETag；带 If-None-Match 再次请求，未变化时回答 304",
                     "schema": {"type": "string"}},
            "Cache-Control": {"schema": {"type": "string"}},
        },
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}
        },
    }  # fmt: skip


ERRORS = {
    "304": {"description": "If-None-Match 与当前 ETag 相同：内容未变化"},
    "404": {
        "description": "没有这一区划或公示",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
}
BAD_REQUEST = {
    "description": "参数无法识别（回答中指明是哪个参数）",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}

NOTICE_SUMMARY = {
    "type": "object",
    "required": [
        "id", "kind", "program", "title", "region", "period", "month", "state", "state_label",
        "published_at", "sha256", "verification_code", "url",
    ],
    "properties": {
        "id": {"type": "integer"},
        "kind": {"enum": [str(k) for k in NoticeKind]},
        "program": {"enum": [str(p) for p in Program]},
        "title": {"type": "string"},
        "region": {
            "type": "object",
            "properties": {
                "county": {"type": "string"},
                "township": {"type": "string"},
                "village": NULLABLE_STRING,
            },
        },
        "period": {
            "type": ["object", "null"],
            "properties": {"start": NULLABLE_STRING, "end": NULLABLE_STRING},
        },
        "month": NULLABLE_STRING,
        "state": {"enum": [str(s) for s in PUBLIC_STATES]},
        "state_label": {"type": "string"},
        "published_at": {"type": "string", "format": "date-time"},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "verification_code": {"type": "string"},
        "url": {"type": "string", "format": "uri"},
    },
}  # fmt: skip

CELL = {
    "type": ["object", "null"],
    "description": "null：不足 suppressed_below 户（人、人次），或为防推算一并不公开",
    "required": ["households", "persons", "amount", "amount_year_to_date"],
    "additionalProperties": False,
    "properties": {
        "households": {"type": "integer", "minimum": 0,
                       "description": "低保：户；特困：人；临时救助：当月人次"},
        "persons": {"type": "integer", "minimum": 0},
        "amount": {**DECIMAL, "description": "当月发放（元）"},
        "amount_year_to_date": {**DECIMAL, "description": "当年 1 月至本月累计（元）"},
    },
}  # fmt: skip

REGION_FIGURES = {
    "type": "object",
    "required": ["region", "programs"],
    "properties": {
        "region": {
            "type": "object",
            "required": ["id", "name", "level"],
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "level": {"enum": ["county", "township"]},
            },
        },
        "programs": {
            "type": "object",
            "propertyNames": {"enum": [str(p) for p in Program]},
            "additionalProperties": {"$ref": "#/components/schemas/Cell"},
        },
    },
}


def document() -> dict:
    """The document, with the server this deployment answers on."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "社会救助公示栏 开放数据接口",
            "version": "1.0.0",
            "description": (
                "公示中的低保、特困、临时救助公示（已按网上渠道脱敏），以及按月的分乡镇统计"
                "（只有户数、人数和金额，小于阈值的单元格不公开）。无需登录；所有回答可被缓存，"
                "带 ETag，支持 If-None-Match（304）；允许跨域 GET。"
            ),
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/api/v1"}],
        "paths": {
            "/notices": {
                "get": {
                    "summary": "公示列表",
                    "description": (
                        "按发布时间从新到旧（同一时间按编号从大到小），分页；next 为下一页地址。"
                    ),
                    "parameters": [
                        _parameter("township", "乡镇（街道）编号", {"type": "integer"}),
                        _parameter(
                            "village", "村（社区）编号，优先于 township", {"type": "integer"}
                        ),
                        _parameter("program", "救助项目", {"enum": [str(p) for p in Program]}),
                        _parameter("kind", "公示类别", {"enum": [str(k) for k in NoticeKind]}),
                        _parameter("state", "公示状态", {"enum": [str(s) for s in PUBLIC_STATES]}),
                        _parameter(
                            "since",
                            "发布日期不早于（北京时间）",
                            {"type": "string", "format": "date"},
                        ),
                        _parameter("page", "页码，从 1 开始", {"type": "integer", "minimum": 1}),
                    ],
                    "responses": {
                        "200": _answer("一页公示", "NoticeList"),
                        "400": BAD_REQUEST,
                        **ERRORS,
                    },
                }
            },
            "/notices/{notice_id}": {
                "get": {
                    "summary": "一期公示（网上渠道快照及其 SHA-256）",
                    "parameters": [
                        _parameter("notice_id", "公示编号", {"type": "integer"}, "path")
                    ],
                    "responses": {"200": _answer("公示", "Notice"), **ERRORS},
                }
            },
            "/statistics": {
                "get": {
                    "summary": "月度统计",
                    "description": "全县及各乡镇（街道），或一个乡镇（街道）的一个月。",
                    "parameters": [
                        _parameter("region", "县或乡镇（街道）编号，默认全县", {"type": "integer"}),
                        _parameter(
                            "month",
                            "统计月份 YYYY-MM，默认本月",
                            {"type": "string", "pattern": r"^\d{4}-\d{2}$"},
                        ),
                        _parameter(
                            "program", "只要一个救助项目", {"enum": [str(p) for p in Program]}
                        ),
                    ],
                    "responses": {
                        "200": _answer("统计", "Statistics"),
                        "400": BAD_REQUEST,
                        **ERRORS,
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "本文档",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1 文档",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "string"}},
                },
                "NoticeSummary": NOTICE_SUMMARY,
                "NoticeList": {
                    "type": "object",
                    "required": ["notices", "count", "page", "pages", "next"],
                    "properties": {
                        "notices": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/NoticeSummary"},
                        },
                        "count": {"type": "integer", "minimum": 0},
                        "page": {"type": "integer", "minimum": 1},
                        "pages": {"type": "integer", "minimum": 1},
                        "next": {"type": ["string", "null"], "format": "uri"},
                    },
                },
                "Notice": {
                    "allOf": [{"$ref": "#/components/schemas/NoticeSummary"}],
                    "type": "object",
                    "required": ["snapshot", "columns", "rows"],
                    "properties": {
                        "snapshot": {
                            "type": "string",
                            "description": "规范化 JSON 文本，其 SHA-256 即 sha256",
                        },
                        "columns": {"type": "array"},
                        "rows": {"type": "array", "items": {"type": "object"}},
                    },
                },
                "Cell": CELL,
                "RegionFigures": REGION_FIGURES,
                "Statistics": {
                    "allOf": [{"$ref": "#/components/schemas/RegionFigures"}],
                    "type": "object",
                    "required": ["month", "suppressed_below", "regions"],
                    "properties": {
                        "month": {"type": "string", "pattern": r"^\d{4}-\d{2}$"},
                        "suppressed_below": {"type": "integer", "minimum": 1},
                        "regions": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/RegionFigures"},
                        },
                    },
                },
            }
        },
    }
