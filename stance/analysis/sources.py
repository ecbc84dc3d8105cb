"""What `stance export` and `stance.frames` read: resolve a source to records or a report.

The one place a source string is interpreted, so that accepting another kind of source (a run
id of a run store, say) means extending `load_source` and nothing else.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from stance.analysis.record_tables import record_tables
from stance.analysis.report_tables import report_tables
from stance.analysis.table import Table
from stance.errors import InputError
from stance.evaluation.report import EvalReport
from stance.schema import OutputRecord, parse_record

__all__ = ["WHAT", "Source", "load_source", "read_tables"]

WHAT = "a `stance extract` JSONL or a `stance eval --report` JSON (or a stored run id or tag)"
Source = list[OutputRecord] | EvalReport


def load_source(src: str) -> Source:
    """The records of an extract output, or the eval report, that ``src`` names: a file, or
    a stored eval run (``12``, ``latest``, ``baseline``: see `stance runs list`)."""
    path = Path(src)
    if not path.exists() and "/" not in src and path.suffix not in (".json", ".jsonl"):
        from stance.runstore import open_store

        with open_store() as store:
            return store.resolve(src).report()
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError(f"{src} is a directory; give {WHAT}") from None
    except OSError as exc:
        raise InputError(f"cannot read {src}: {exc.strerror or exc}; give {WHAT}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{src} is not UTF-8 text ({exc.reason}); give {WHAT}") from exc
    if not text.strip():
        raise InputError(f"{src} is empty; give {WHAT}")
    if _is_record_line(text.lstrip().split("\n", 1)[0]):
        return _records(src, text)
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if not isinstance(document, dict) or document.get("report") != "stance-eval":
        raise InputError(f"{src} is not {WHAT}")
    try:
        return EvalReport.model_validate(document)
    except ValidationError as exc:
        detail = str(exc).splitlines()[0]
        raise InputError(f"{src}: not a valid stance eval report ({detail})") from exc


def read_tables(src: str) -> dict[str, Table]:
    """The tables of a source: six for extract records, two for an eval report."""
    source = load_source(src)
    if isinstance(source, EvalReport):
        return report_tables(source)
    return record_tables(source)


def _is_record_line(line: str) -> bool:
    try:
        data = json.loads(line)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("record") in {"extraction", "error"}


def _records(src: str, text: str) -> list[OutputRecord]:
    """Every record, in file order; a line that is not one stops the read and is named."""
    lines = text.split("\n")  # not splitlines: U+2028 may sit inside a JSON string
    records: list[OutputRecord] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            records.append(parse_record(line))
        except ValueError as exc:  # JSON and validation errors alike
            torn = " (the torn last line of an interrupted run?)" if number == len(lines) else ""
            detail = str(exc).strip().splitlines()[0][:200]
            raise InputError(f"{src}:{number}: not a stance record{torn}: {detail}") from exc
    return records
