"""The API page (``/docs``, on with ``serve --api-docs``): the OpenAPI document as one static HTML page.

FastAPI's own pages load Swagger UI or ReDoc JavaScript from a public CDN, which a service hall
without internet shows as a blank page, and which would run foreign code next to the API. This page
is rendered here, from the same document ``/openapi.json`` serves: plain HTML and one inline style
sheet, no script, no image, no external address. Its Content-Security-Policy allows exactly that
style sheet (by its hash) and nothing else.

Everything taken from the document is HTML-escaped; the page is built once per app.
"""

from __future__ import annotations

import base64
import hashlib
import json
from html import escape
from typing import Any

_METHODS = ("get", "post", "put", "patch", "delete")

STYLE = """
body{font:15px/1.5 "Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0 auto;max-width:60em;padding:1em;
color:#1b1b1b;background:#fff}
h1{font-size:1.6em;border-bottom:2px solid #0b5394}h2{margin-top:2em;border-bottom:1px solid #ccc}
h3{font-size:1.05em;margin:1.5em 0 .3em}code,.path{font-family:"DejaVu Sans Mono",monospace}
.method{display:inline-block;min-width:4.5em;text-align:center;color:#fff;border-radius:3px;padding:0 .3em;
font-weight:bold;background:#555}.get{background:#2f7d32}.post{background:#0b5394}.patch{background:#8a5a00}
.delete{background:#a61c1c}table{border-collapse:collapse;margin:.3em 0 .8em}
td,th{border:1px solid #ccc;padding:.15em .5em;vertical-align:top;text-align:left}th{background:#f2f2f2}
.note{background:#f6f8fa;border-left:4px solid #0b5394;padding:.5em 1em}nav li{list-style:none}
""".strip()

#: CSP of the page: its one inline style sheet, nothing else, never framed
PAGE_CSP = ("default-src 'none'; style-src 'sha256-" + base64.b64encode(hashlib.sha256(STYLE.encode()).digest())
            .decode("ascii") + "'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


def _ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _type_text(schema: dict[str, Any]) -> str:
    """A schema in a few words: a link to a named schema, ``array of X``, ``a | b``, constraints."""
    name = _ref_name(schema)
    if name is not None:
        return f'<a href="#schema-{escape(name)}">{escape(name)}</a>'
    for combined in ("anyOf", "oneOf", "allOf"):
        if combined in schema:
            return " | ".join(_type_text(part) for part in schema[combined])
    kind = str(schema.get("type", "any"))
    if kind == "array" and isinstance(schema.get("items"), dict):
        text = f"array of {_type_text(schema['items'])}"
    else:
        text = escape(kind + (f" ({schema['format']})" if "format" in schema else ""))
    limits = []
    for key in ("enum", "const", "pattern", "minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems"):
        if key in schema:
            value = schema[key]
            shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, float) else f"{value:g}"
            limits.append(f"{key}: {escape(shown)}")
    return text + (f" <small>{'; '.join(limits)}</small>" if limits else "")


def _operation(path: str, method: str, op: dict[str, Any]) -> str:
    parts = [f'<h3 id="{escape(op.get("operationId", path + method))}"><span class="method {method}">'
             f'{method.upper()}</span> <span class="path">{escape(path)}</span></h3>']
    for key in ("summary", "description"):
        if op.get(key):
            parts.append(f"<p>{escape(str(op[key]))}</p>")
    params = [p for p in op.get("parameters", []) if isinstance(p, dict)]
    if params:
        rows = "".join(f"<tr><td><code>{escape(str(p.get('name')))}</code></td><td>{escape(str(p.get('in')))}</td>"
                       f"<td>{'是 yes' if p.get('required') else '否 no'}</td>"
                       f"<td>{_type_text(p.get('schema', {}))}</td></tr>" for p in params)
        parts.append("<table><tr><th>参数 parameter</th><th>位置 in</th><th>必填 required</th>"
                     f"<th>类型 type</th></tr>{rows}</table>")
    body = op.get("requestBody")
    if isinstance(body, dict):
        kinds = "".join(f"<li><code>{escape(kind)}</code>: {_type_text(media.get('schema', {}))}</li>"
                        for kind, media in body.get("content", {}).items())
        parts.append(f"<p>请求体 request body:</p><ul>{kinds}</ul>")
    answers = []
    for code, answer in sorted(op.get("responses", {}).items()):
        shown = ", ".join(f"<code>{escape(kind)}</code> {_type_text(media.get('schema', {}))}"
                          for kind, media in answer.get("content", {}).items())
        answers.append(f"<tr><td>{escape(code)}</td><td>{escape(str(answer.get('description', '')))}</td>"
                       f"<td>{shown}</td></tr>")
    if answers:
        parts.append("<table><tr><th>状态 status</th><th>含义 meaning</th><th>内容 content</th></tr>"
                     f"{''.join(answers)}</table>")
    return "\n".join(parts)


def _schema(name: str, schema: dict[str, Any]) -> str:
    parts = [f'<h3 id="schema-{escape(name)}">{escape(name)}</h3>']
    if schema.get("description"):
        parts.append(f"<p>{escape(str(schema['description']))}</p>")
    required = set(schema.get("required", []))
    props = schema.get("properties", {})
    if props:
        rows = "".join(f"<tr><td><code>{escape(key)}</code></td><td>{'是 yes' if key in required else '否 no'}</td>"
                       f"<td>{_type_text(value)}</td><td>{escape(str(value.get('description', '')))}</td></tr>"
                       for key, value in props.items())
        parts.append("<table><tr><th>字段 field</th><th>必填 required</th><th>类型 type</th>"
                     f"<th>说明 description</th></tr>{rows}</table>")
    else:
        parts.append(f"<p>{_type_text(schema)}</p>")
    return "\n".join(parts)


def render_page(document: dict[str, Any]) -> str:
    """The whole page for an OpenAPI document (what ``app.openapi()`` returns)."""
    info = document.get("info", {})
    title = escape(f"{info.get('title', 'API')} {info.get('version', '')}".strip())
    paths: dict[str, dict[str, Any]] = document.get("paths", {})
    operations = [(path, method, op) for path, item in sorted(paths.items())
                  for method, op in item.items() if method in _METHODS and isinstance(op, dict)]
    toc = "".join(f'<li><a href="#{escape(op.get("operationId", path + method))}"><span class="method {method}">'
                  f'{method.upper()}</span> <span class="path">{escape(path)}</span></a></li>'
                  for path, method, op in operations)
    schemas = document.get("components", {}).get("schemas", {})
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>{title}</title><style>{STYLE}</style></head><body>
<h1>{title}</h1>
<p class="note">中心系统同步协议接口说明（由服务器依据 OpenAPI 文档生成，离线可用）。除 <code>GET /v1/health</code> 外，
每个请求都须携带 <code>Authorization: Bearer &lt;token&gt;</code>。完整说明见 <code>docs/sync-protocol.md</code>；
机器可读文档：<a href="openapi.json"><code>/openapi.json</code></a>。<br>
The sync protocol's API, rendered by the server from its OpenAPI document (works offline). Every request
except <code>GET /v1/health</code> needs a bearer token; the full description is docs/sync-protocol.md.</p>
<h2>接口 Endpoints</h2><nav><ul>{toc}</ul></nav>
{"".join(_operation(path, method, op) for path, method, op in operations)}
<h2>数据结构 Schemas</h2>
{"".join(_schema(name, schema) for name, schema in sorted(schemas.items()))}
</body></html>
"""
