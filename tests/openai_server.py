"""A real OpenAI-compatible HTTP server on loopback, for fault, crash and speed tests.

    python tests/openai_server.py [--latency S] [--script FILE.json] [--port 0]

It prints ``PORT <n>`` once listening on 127.0.0.1 and serves until killed. Like
fake_openai's careful model it reads the PARAGRAPH between ``<<<`` and ``>>>`` and turns
every “quote,” First Last said/denied/warned into a claim; the questions reader's
questions (what a claim is about, its stance, which claim a denial rejects) and the model
judge's (a decision per claim shown, by pointer) get short answers of the schema asked for,
so the readers that ask a model can be timed. Stdlib only, so a test or a
benchmark can run it from any interpreter; a real socket is what exercises keep-alive,
timeouts and dropped connections, which httpx.MockTransport cannot.

The script is a JSON list of rules; a request whose paragraph contains ``match`` gets the
rule's ``faults`` in order, one per request (re-asks included), then normal answers, or
the last fault forever with ``"always": true``. ``claims`` replaces the normal answer and
``fixes`` answers re-asks. Faults: 401 429 500 503 timeout reset not_json bad_schema
wrong_quote length. ``GET /stats`` counts what was served per paragraph; ``GET /requests``
returns the last user message of every request.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import socket
import struct
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

_PARAGRAPH = re.compile(r"PARAGRAPH:\n<<<\n(.*)\n>>>", re.DOTALL)
_SAID = re.compile(r"“([^”]+?)[,.]?”,? ([A-Z][a-z]+ [A-Z][a-z]+) (said|denied|warned)")
_JUDGED = re.compile(r"C[0-9]+")
_TYPES = {"said": "assertion", "denied": "denial", "warned": "warning"}
REASK_MARKER = "not exact copies"
INVENTED = "This sentence appears nowhere in the article"
FAULTS = frozenset(
    {
        "401",
        "429",
        "500",
        "503",
        "timeout",
        "reset",
        "not_json",
        "bad_schema",
        "wrong_quote",
        "length",
    }
)


def claim(
    speaker: str, quote: str, *, type: str = "assertion", cue: str = "said"
) -> dict[str, Any]:
    """One ParagraphAnswer claim, with the fields a model would fill."""
    return {
        "speaker": speaker,
        "speaker_kind": "person",
        "cue": cue,
        "quote": quote,
        "type": type,
        "direct": True,
        "hedged": "probably" in quote,
        "proposition": quote,
        "target": "harbour fees",
        "topic": "harbour fees",
        "stance": "against" if type in ("denial", "warning") else "neutral",
        "denies": "the fees were agreed" if type == "denial" else "",
    }


def careful_claims(paragraph: str) -> list[dict[str, Any]]:
    return [
        claim(m.group(2), m.group(1), type=_TYPES[m.group(3)], cue=m.group(3))
        for m in _SAID.finditer(paragraph)
    ]


class Rule:
    """One scripted rule and how far along its fault list it is."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.match = str(spec["match"])
        self.faults = [str(f) for f in spec.get("faults", [])]
        unknown = set(self.faults) - FAULTS
        if unknown:
            raise SystemExit(f"unknown faults {sorted(unknown)}; known: {sorted(FAULTS)}")
        self.always = bool(spec.get("always", False))
        self.claims = spec.get("claims")
        self.fixes = list(spec.get("fixes", []))
        self.served = 0

    def next_fault(self) -> str | None:
        if self.served < len(self.faults):
            fault = self.faults[self.served]
        elif self.always and self.faults:
            fault = self.faults[-1]
        else:
            fault = None
        self.served += 1
        return fault


class State:
    """Script and counters, shared by the handler threads."""

    def __init__(self, rules: list[Rule], latency: float, retry_after_ms: int, hang: float):
        self.rules = rules
        self.latency = latency
        self.retry_after_ms = retry_after_ms
        self.hang = hang
        self.lock = threading.Lock()
        self.requests = 0
        self.served: dict[str, list[str]] = defaultdict(list)  # paragraph -> outcome per request
        self.reasks: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self.messages: list[str] = []

    def plan(self, paragraph: str, last: str, reask: bool) -> tuple[str | None, Rule | None]:
        with self.lock:
            self.requests += 1
            if len(self.messages) < 5000:
                self.messages.append(last)
            rule = next((r for r in self.rules if r.match in paragraph), None)
            fault = rule.next_fault() if rule is not None else None
            self.served[paragraph].append(fault or ("reask" if reask else "ok"))
            if reask:
                self.reasks[paragraph] += 1
            if fault:
                self.faults[fault] += 1
            return fault, rule

    def stats(self) -> dict[str, Any]:
        with self.lock:
            return {
                "requests": self.requests,
                "paragraphs": {p: len(s) for p, s in self.served.items()},
                "served": dict(self.served),
                "reasks": dict(self.reasks),
                "faults": dict(self.faults),
            }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the OpenAI SDK's pool expects
    # Headers and body go out as separate writes: without TCP_NODELAY, Nagle's algorithm
    # holds the body until the client's delayed ACK, adding 40 ms to every response.
    disable_nagle_algorithm = True
    server: Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet: benchmarks
        pass

    def do_GET(self) -> None:
        state = self.server.state
        if self.path == "/stats":
            self.send_json(200, state.stats())
        elif self.path == "/requests":
            with state.lock:
                self.send_json(200, {"messages": list(state.messages)})
        else:
            self.send_json(404, _error("not found", "invalid_request_error"))

    def do_POST(self) -> None:
        state = self.server.state
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        if not self.path.endswith("/chat/completions"):
            self.send_json(404, _error(f"no route {self.path}", "invalid_request_error"))
            return
        fmt = (body.get("response_format") or {}).get("type")
        if fmt not in ("json_schema", "json_object"):
            self.send_json(400, _error(f"response_format {fmt!r} unsupported", "invalid_request"))
            return
        users = [m["content"] for m in body["messages"] if m.get("role") == "user"]
        last = users[-1]
        reask = REASK_MARKER in last
        paragraph = next((m.group(1) for u in reversed(users) if (m := _PARAGRAPH.search(u))), "")
        fault, rule = state.plan(paragraph, last, reask)
        if state.latency:
            time.sleep(state.latency)
        if fault == "reset":
            self.reset()
            return
        if fault == "timeout":
            time.sleep(state.hang)
            fault = None
        if fault in ("401", "429", "500", "503"):
            self.send_error_status(int(fault))
            return
        if fault == "not_json":
            self.send_raw(200, b"<html><body>upstream hiccup</body></html>", "text/html")
            return
        finish = "stop"
        if fault == "bad_schema":
            content = json.dumps({"claims": [{"speaker": 7, "quote": None}], "note": "bad"})
        elif fault == "length":
            content, finish = '{"claims": [{"speaker": "Mar', "length"
        elif reask:
            quotes = [INVENTED] if fault == "wrong_quote" else (rule.fixes if rule else [])
            content = json.dumps({"quotes": quotes})
        elif (asked := _question(body)) is not None:
            content = json.dumps(asked)
        else:
            claims = careful_claims(paragraph)
            if rule is not None and rule.claims is not None:
                claims = [{**claim(c["speaker"], c["quote"]), **c} for c in rule.claims]
            if fault == "wrong_quote":
                speaker = claims[0]["speaker"] if claims else "Invented Speaker"
                claims = [claim(speaker, INVENTED)]
            content = json.dumps({"claims": claims}, ensure_ascii=False)
        self.send_json(200, _completion(body.get("model", "fake"), content, finish))

    def send_error_status(self, status: int) -> None:
        headers = {}
        if status in (429, 503):
            headers = {"Retry-After": "1", "retry-after-ms": str(self.server.state.retry_after_ms)}
        if status == 401:  # some proxies echo the key they were given: stance must not
            key = self.headers.get("Authorization", "").removeprefix("Bearer ")
            message = f"Incorrect API key provided: {key}."
            self.send_json(401, _error(message, "invalid_request_error", "invalid_api_key"))
            return
        message = {
            429: "Rate limit reached",
            500: "The server had an error",
            503: "The engine is currently overloaded",
        }[status]
        self.send_json(status, _error(f"{message} (scripted {status})", "server_error"), headers)

    def reset(self) -> None:
        """Close with RST and no response, as a crashed proxy or a dropped link does."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def send_json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self.send_raw(status, raw, "application/json", headers)

    def send_raw(
        self, status: int, raw: bytes, ctype: str, headers: dict[str, str] | None = None
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(raw)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(raw)
        except OSError:  # the client gave up (its timeout): nothing to answer
            self.close_connection = True


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, port: int, state: State) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.state = state


def _question(body: dict[str, Any]) -> dict[str, Any] | None:
    """The answer to one of the questions reader's questions, from the schema asked for
    (None: a paragraph reader's question, answered with claims)."""
    fmt = body.get("response_format") or {}
    schema = (fmt.get("json_schema") or {}).get("schema") or fmt.get("schema") or {}
    props = schema.get("properties") or {}
    if "about" in props:
        answer: dict[str, Any] = {"about": "harbour fees"}
        if "stance" in props:
            answer["stance"] = "neutral"
        return answer
    if "denies" in props and "claims" not in props:
        return {"denies": "none"}
    if props and all(_JUDGED.fullmatch(key) for key in props):
        # the model judge: one decision per claim shown (C1, C2, ...), answered by pointer
        decision = {"type": "assertion", "denies": "none", "polarity": "neutral", "target": "none"}
        return dict.fromkeys(props, decision)
    return None


def _error(message: str, type: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type, "param": None, "code": code}}


def _completion(model: str, content: str, finish: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-loopback",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish,
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }


@contextlib.contextmanager
def running(
    *args: str, script: list[dict[str, Any]] | None = None, tmp: Path | None = None
) -> Iterator[str]:
    """Start this server as a process; yields its base URL (``http://127.0.0.1:N/v1``)."""
    command = [sys.executable, str(Path(__file__).resolve()), *args]
    if script is not None:
        assert tmp is not None, "a script needs a folder to be written to"
        path = tmp / f"script-{time.monotonic_ns()}.json"
        path.write_text(json.dumps(script), encoding="utf-8")
        command += ["--script", str(path)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"openai_server did not start: {line!r}")
        yield f"http://127.0.0.1:{int(line.split()[1])}/v1"
    finally:
        proc.kill()
        proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def get(base_url: str, path: str) -> Any:
    """GET a JSON document (``/stats``, ``/requests``) from a running server."""
    from urllib.request import urlopen

    with urlopen(base_url.removesuffix("/v1") + path, timeout=10) as response:
        return json.loads(response.read())


STANCE = Path(sys.executable).with_name("stance")  # the console script of this venv


def stance_env(tmp: Path, key: str = "sk-test-loopback", **extra: str) -> dict[str, str]:
    """The environment of a CLI run: throwaway cache and models, fast transport retries."""
    import os

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "STANCE_")) or k == "STANCE_PROMPT"  # a pinned reader
    }
    env.update(
        OPENAI_API_KEY=key,
        STANCE_CACHE_DIR=str(tmp / "cache"),
        STANCE_MODELS_DIR=str(tmp / "models"),
        STANCE_RETRY_WAIT_S="0.05",
        COLUMNS="250",
    )
    env.update(extra)
    return env


def run_stance(
    base_url: str, *args: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``stance extract ARGS`` against ``base_url`` as a separate process."""
    command = [str(STANCE), "extract", *args, "--model", "openai:fake", "--base-url", base_url]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per request")
    parser.add_argument("--script", type=Path, help="JSON list of fault rules")
    parser.add_argument("--retry-after-ms", type=int, default=20, help="asked on 429 and 503")
    parser.add_argument("--hang", type=float, default=3.0, help="seconds a 'timeout' waits")
    args = parser.parse_args(argv)
    rules = [Rule(spec) for spec in json.loads(args.script.read_text())] if args.script else []
    server = Server(args.port, State(rules, args.latency, args.retry_after_ms, args.hang))
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
