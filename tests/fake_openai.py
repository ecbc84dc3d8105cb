"""A fake OpenAI-compatible endpoint on httpx.MockTransport, for CLI tests without a model.

It reads the PARAGRAPH of each chat request and answers like a careful model:
every “quote,” Name said in the paragraph becomes one claim. ``table`` overrides the
answer for paragraphs containing a key; ``fixes`` answers re-asks; ``failures`` makes
the next requests fail with that HTTP status (with Retry-After-Ms so retries are fast);
``interrupt_on`` sends this process SIGINT, as Ctrl-C would.
"""

from __future__ import annotations

import json
import os
import signal
import time
from typing import Any

import httpx

# The careful model's reading rules are the loopback server's (stdlib only, so it cannot
# import this module): one definition of what a well-behaved endpoint answers.
from openai_server import _PARAGRAPH, _SAID, _TYPES, REASK_MARKER, claim

__all__ = ["REASK_MARKER", "FakeOpenAI", "claim"]


class FakeOpenAI:
    """Answers /chat/completions; counts requests and remembers the paragraphs asked."""

    def __init__(self) -> None:
        self.table: dict[str, list[dict[str, Any]]] = {}
        self.fixes: list[str] = []
        self.failures: list[int] = []
        self.always_fail: int | None = None
        self.requests: list[dict[str, Any]] = []
        self.paragraphs: list[str] = []
        self.reasks = 0
        self.interrupt_on: str | None = None  # Ctrl-C while a paragraph containing it is read

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handle))

    def handle(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.requests.append(body)
        if not request.url.path.endswith("/chat/completions"):
            return httpx.Response(404, json={"error": {"message": "not found"}})
        status = self.always_fail or (self.failures.pop(0) if self.failures else None)
        if status is not None:
            return httpx.Response(
                status,
                headers={"retry-after-ms": "1"},
                json={"error": {"message": "fake overload", "type": "server_error"}},
            )
        fmt = body.get("response_format", {})
        assert fmt.get("type") in ("json_schema", "json_object"), fmt
        last = body["messages"][-1]["content"]
        if REASK_MARKER in last:
            self.reasks += 1
            answer: dict[str, Any] = {"quotes": self.fixes}
        else:
            # instructor's validation re-ask ends with its own message: the paragraph is
            # in the last user turn that has one
            turns = [m["content"] for m in body["messages"] if m["role"] == "user"]
            match = next((m for t in reversed(turns) if (m := _PARAGRAPH.search(t))), None)
            assert match, last
            paragraph = match.group(1)
            self.paragraphs.append(paragraph)
            if self.interrupt_on and self.interrupt_on in paragraph:
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.2)
            answer = {"claims": self.claims_for(paragraph)}
        return httpx.Response(200, json=_completion(body.get("model", "fake"), answer))

    def claims_for(self, paragraph: str) -> list[dict[str, Any]]:
        for key, claims in self.table.items():
            if key in paragraph:
                return claims
        return [
            claim(m.group(2), m.group(1), type=_TYPES[m.group(3)], cue=m.group(3))
            for m in _SAID.finditer(paragraph)
        ]


def _completion(model: str, answer: dict[str, Any]) -> dict[str, Any]:
    content = json.dumps(answer, ensure_ascii=False)
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }
