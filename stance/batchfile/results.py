"""Lines of a batch results file, in the OpenAI Batch API output format.

``{"id", "custom_id", "response": {"status_code", "request_id", "body"}, "error"}``: what
OpenAI's batch service and ``vllm run-batch`` write, and what ``stance batch run``
writes. Reading tolerates any order and reports bad lines instead of stopping.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from stance.errors import ConfigError

__all__ = [
    "Response",
    "ResultLine",
    "Results",
    "dump",
    "failure",
    "parse_line",
    "read_results",
    "success",
]


class Response(BaseModel):
    model_config = ConfigDict(extra="allow")

    status_code: int
    request_id: str | None = None
    body: Any = None


class ResultLine(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str | None = None
    custom_id: str
    response: Response | None = None
    error: Any = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.response is not None and self.response.status_code == 200

    def problem(self) -> str | None:
        """Why this line holds no answer, or None when it holds one."""
        if self.error is not None:
            message = self.error.get("message") if isinstance(self.error, dict) else None
            return f"request failed: {message or json.dumps(self.error)[:300]}"
        if self.response is None:
            return "neither a response nor an error"
        if self.response.status_code != 200:
            body = self.response.body
            error = body.get("error") if isinstance(body, dict) else None
            detail = error.get("message") if isinstance(error, dict) else None
            detail = detail or json.dumps(body, ensure_ascii=False)[:300]
            return f"HTTP {self.response.status_code}: {detail}"
        return None


def success(custom_id: str, body: Any, request_id: str | None) -> ResultLine:
    response = Response(status_code=200, request_id=request_id, body=body)
    return ResultLine(id=_line_id(), custom_id=custom_id, response=response)


def failure(custom_id: str, status: int | None, body: Any, message: str) -> ResultLine:
    """An HTTP error keeps its status and body; no response at all is an ``error``."""
    if status is not None:
        response = Response(status_code=status, body=body)
        return ResultLine(id=_line_id(), custom_id=custom_id, response=response)
    error = {"code": "request_failed", "message": message}
    return ResultLine(id=_line_id(), custom_id=custom_id, error=error)


def _line_id() -> str:
    return f"batch_req_{uuid.uuid4().hex}"


def dump(line: ResultLine) -> bytes:
    return line.model_dump_json().encode("utf-8") + b"\n"


def parse_line(raw: bytes) -> ResultLine:
    """One results line; ValueError (with a short reason) when it is not one."""
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ValueError(f"not valid JSON ({exc})") from exc
    try:
        return ResultLine.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "line"
        raise ValueError(f"not a batch result ({where}: {first['msg']})") from exc


@dataclass
class Results:
    """Every results line by custom_id; an answer is preferred over a failure for an id."""

    lines: dict[str, ResultLine] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # "file:line: why", for the user
    bad_lines: int = 0

    def add(self, line: ResultLine) -> None:
        kept = self.lines.get(line.custom_id)
        if kept is None or (line.ok and not kept.ok):
            self.lines[line.custom_id] = line


def read_results(paths: Sequence[Path]) -> Results:
    """All lines of all ``paths``; a bad line is reported with its place and skipped."""
    results = Results()
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from exc
        lines = data.split(b"\n")
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                results.add(parse_line(raw))
            except ValueError as exc:
                torn = " (torn last line)" if number == len(lines) else ""
                results.problems.append(f"{path}:{number}: {exc}{torn}")
                results.bad_lines += 1
    return results
