"""``stance batch run``: send a prepared requests file to any OpenAI-compatible server.

What ``vllm run-batch`` does, for a server you already run (llama.cpp, Ollama, vLLM):
results are written in the OpenAI batch output format as each request finishes, and
``resume`` skips the custom_ids already answered and retries the failed ones. Requests
go through the live path's transport retries and its llama.cpp response_format switch.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, as_completed, wait
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx
import openai

from stance.batchfile.results import ResultLine, dump, failure, parse_line, success
from stance.errors import ConfigError, ProviderError
from stance.llm.client import adapt_response_format
from stance.llm.providers.openai_compat import openai_create
from stance.llm.transport import with_transport_retries
from stance.runs.output import atomic_write

__all__ = ["RunSummary", "run_requests"]


@dataclass
class RunSummary:
    requests: int = 0
    already_done: int = 0
    succeeded: int = 0
    failed: int = 0
    bad_lines: int = 0
    wall_s: float = 0.0
    output: Path | None = None

    def render(self) -> str:
        text = f"{self.requests} requests: {self.succeeded} answered"
        text += f", {self.failed} failed" if self.failed else ""
        text += f", {self.already_done} already in the results" if self.already_done else ""
        text += f", {self.bad_lines} bad request lines skipped" if self.bad_lines else ""
        text += f"; {self.wall_s:.1f} s. Results in {self.output}."
        if self.failed:
            text += " Failed requests are results lines too; rerun with --resume to retry them."
        return text


@dataclass(frozen=True)
class _Request:
    custom_id: str
    body: dict[str, Any]


def _requests(
    paths: Sequence[Path], problem: Callable[[str], None], summary: RunSummary
) -> Iterator[_Request]:
    """Valid request lines of every file, lazily; bad and repeated ones are reported."""
    seen: set[str] = set()
    for path in paths:
        try:
            handle = path.open("rb")
        except OSError as exc:
            raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from exc
        with handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                try:
                    data = json.loads(raw)
                    cid, body, url = data["custom_id"], data["body"], data.get("url", "")
                    if not (isinstance(cid, str) and isinstance(body, dict)):
                        raise TypeError("custom_id must be a string and body an object")
                    if not str(url).endswith("/chat/completions"):
                        raise ValueError(f"url {url!r} is not a chat completions url")
                except (ValueError, KeyError, TypeError) as exc:
                    summary.bad_lines += 1
                    problem(f"{path}:{number}: not a batch request line: {exc}")
                    continue
                if cid in seen:
                    summary.bad_lines += 1
                    problem(f"{path}:{number}: custom_id {cid} repeated; sent once")
                    continue
                seen.add(cid)
                yield _Request(cid, body)


class _ResultsOutput:
    """The results file: answered lines are kept on resume, failed and torn ones redone."""

    def __init__(self, path: Path, *, resume: bool, inputs: Sequence[Path]) -> None:
        self.path = path
        self.done: set[str] = set()
        self._keep: list[bytes] = []
        self._rewrite = False
        self._file: IO[bytes] | None = None
        if any(os.path.realpath(path) == os.path.realpath(p) for p in inputs):
            raise ConfigError(f"results {path} is one of the request files; write elsewhere")
        if not resume:
            if path.exists() and path.stat().st_size > 0:
                raise ConfigError(
                    f"{path} already exists and is not empty; use --resume to continue it"
                )
            return
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return
        for raw in data.split(b"\n"):
            if not raw.strip():
                continue
            try:
                line = parse_line(raw)
            except ValueError:
                line = None
            if line is not None and line.ok and line.custom_id not in self.done:
                self.done.add(line.custom_id)
                self._keep.append(raw)
            else:
                self._rewrite = True
        self._rewrite = self._rewrite or (bool(data) and not data.endswith(b"\n"))

    def open(self) -> None:
        try:
            if self._rewrite:
                atomic_write(self.path, b"".join(line + b"\n" for line in self._keep))
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("ab")
        except OSError as exc:
            raise ConfigError(f"cannot write {self.path}: {exc.strerror or exc}") from exc

    def append(self, line: ResultLine) -> None:
        assert self._file is not None
        self._file.write(dump(line))
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _sender(
    base_url: str | None, api_key: str | None, timeout_s: float, http_client: httpx.Client | None
) -> Callable[[_Request], ResultLine]:
    """Send one body as the live path does: transport retries, then llama.cpp's format."""
    create = openai_create(
        base_url=base_url, api_key=api_key, timeout_s=timeout_s, http_client=http_client
    )
    send = adapt_response_format(with_transport_retries(create), "auto")

    def one(request: _Request) -> ResultLine:
        try:
            completion = send(**request.body)  # posted as written, unknown keys included
        except ProviderError as exc:
            cause = exc.__cause__
            if isinstance(cause, openai.APIStatusError):
                detail = cause.body if isinstance(cause.body, dict) else {"message": cause.message}
                return failure(request.custom_id, cause.status_code, {"error": detail}, str(exc))
            return failure(request.custom_id, None, None, str(exc))
        except (openai.OpenAIError, TypeError, ValueError) as exc:
            return failure(request.custom_id, None, None, f"{type(exc).__name__}: {exc}")
        request_id = getattr(completion, "_request_id", None)
        return success(
            request.custom_id, completion.model_dump(mode="json", exclude_unset=True), request_id
        )

    return one


def run_requests(
    requests: Sequence[Path],
    output: Path,
    *,
    base_url: str | None,
    api_key: str | None = None,
    timeout_s: float = 300.0,
    concurrency: int = 4,
    resume: bool = False,
    http_client: httpx.Client | None = None,
    on_problem: Callable[[str], None] | None = None,
) -> RunSummary:
    """Answer every request of ``requests`` not answered in ``output`` yet."""
    if concurrency < 1:
        raise ConfigError(f"--concurrency must be at least 1, got {concurrency}")
    started = time.perf_counter()
    summary = RunSummary(output=output)
    out = _ResultsOutput(output, resume=resume, inputs=requests)
    send = _sender(base_url, api_key, timeout_s, http_client)

    def problem(message: str) -> None:
        if on_problem is not None:
            on_problem(message)

    def record(future: Future[ResultLine]) -> None:
        line = future.result()
        out.append(line)
        summary.succeeded += line.ok
        summary.failed += not line.ok

    out.open()
    pool = ThreadPoolExecutor(max_workers=concurrency)
    running: set[Future[ResultLine]] = set()
    try:
        for request in _requests(requests, problem, summary):
            summary.requests += 1
            if request.custom_id in out.done:
                summary.already_done += 1
                continue
            if len(running) >= 2 * concurrency:
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    record(future)
            running.add(pool.submit(send, request))
        for future in as_completed(running):
            record(future)
        pool.shutdown()
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        out.close()
        summary.wall_s = round(time.perf_counter() - started, 2)
    return summary
