"""One self-contained HTML page: styles, scripts and data inline, nothing fetched.

Every page stance writes (viewer, eval report, comparison) opens from a file, offline, and
can be mailed or archived as one file. Data goes in as JSON inside a ``<script
type="application/json">`` element, escaped so that article text can never close the
script or inject markup; the page's own script reads it with ``JSON.parse``.
"""

from __future__ import annotations

import html
import json
from typing import Any

__all__ = [
    "BASE_CSS",
    "escape",
    "json_for_script",
    "page",
]

# Shared look: light, readable, print-friendly. Pages add their own rules after these.
BASE_CSS = """
:root { --ink:#1d2327; --muted:#5f6b73; --line:#d9dee2; --bg:#fbfcfd; --accent:#1f5fa8;
  --good:#2e7d32; --bad:#c62828; --warn:#b26a00; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color:var(--ink); background:var(--bg); }
header.page { padding:12px 20px; border-bottom:1px solid var(--line); background:#fff; }
header.page h1 { margin:0; font-size:20px; }
header.page .meta { color:var(--muted); font-size:13px; }
main { padding:16px 20px; }
table { border-collapse:collapse; font-size:14px; }
th, td { border-bottom:1px solid var(--line); padding:4px 8px; text-align:left;
  vertical-align:top; }
th { background:#f1f4f6; }
td.num, th.num { text-align:right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size:13px; }
.badge { display:inline-block; padding:0 6px; border-radius:8px; font-size:12px;
  background:#eef1f4; color:var(--muted); }
.muted { color:var(--muted); }
a { color:var(--accent); }
figure { margin:8px 0 16px; }
figure svg { max-width:100%; height:auto; }
"""


def escape(text: object) -> str:
    """HTML-escape any value for text or attribute content."""
    return html.escape(str(text), quote=True)


def json_for_script(data: Any) -> str:
    """JSON that is safe inside <script>: no "</script>", "<!--" or U+2028 can break out."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def page(
    title: str,
    body: str,
    *,
    css: str = "",
    script: str = "",
    data: Any = None,
    meta: str = "",
) -> str:
    """A complete HTML document; ``body`` is trusted markup built with ``escape``."""
    data_tag = (
        f'<script type="application/json" id="stance-data">{json_for_script(data)}</script>\n'
        if data is not None
        else ""
    )
    script_tag = f"<script>\n{script}\n</script>\n" if script else ""
    meta_line = f'<div class="meta">{meta}</div>' if meta else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # no network: forbid fetching anything, so an offline page is also a private one
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
        f"<title>{escape(title)}</title>\n<style>{BASE_CSS}{css}</style>\n</head>\n<body>\n"
        f'<header class="page"><h1>{escape(title)}</h1>{meta_line}</header>\n'
        f"{body}\n{data_tag}{script_tag}</body>\n</html>\n"
    )
