"""OpenAI Batch API files: run 100,000 articles on OpenAI's batch service or a vLLM cluster.

Three steps, each resumable or repeatable on its own:

1. ``prepare`` reads inputs like ``stance extract`` (bad inputs are reported and recorded,
   never fatal), segments each article the same way, and writes one request line per
   paragraph worth reading: ``{"custom_id", "method": "POST", "url":
   "/v1/chat/completions", "body"}``. The body is captured from the live client's request
   construction, so model, temperature, seed, max_tokens and response_format are what
   ``stance extract`` sends: OpenAI ``json_schema`` for ``openai:`` models, llama.cpp's
   ``{"type": "json_object", "schema": ...}`` for ``local`` (forced either way with
   ``response_format``). Beside it, ``<name>.manifest.jsonl`` keeps the run header (model,
   parameters, prompt name/version/hash, schema version, response format) and every
   article's text and segments; files past 50,000 requests or 190 MB continue in
   ``<name>.partN.jsonl`` (OpenAI's per-file limits).
2. The requests run anywhere that reads this format: OpenAI's Batch API, ``vllm
   run-batch``, or ``run_requests`` against any OpenAI-compatible server.
3. ``collect`` finds the manifest by the batch id in the custom_ids, checks every results
   line, and builds the records with the live path's parsing, grounding and merge.

custom_ids are ``stance:<batch id>:<article number>:<segment index>``: unique, free of the
article id (which may hold any character), and naming their batch so that results of
another batch are refused.

What a batch cannot do, and says so: every request is prepared up front, so the speakers
named in earlier paragraphs (the live path takes them from the model's earlier answers) are
read from the text instead: the names it says speak ("Marsh said", "said Caddell"; see
``context.py``). Answers can differ from ``stance extract``'s. There is no second exchange
either: a quote not found in its paragraph is rejected ("no re-ask is possible in batch
mode"), an invalid or cut-off answer is a segment error (no validation re-ask), and
claims@4's second look is not asked.

May import: ``api``, ``runs``, ``reading``, ``llm``, ``schema``, ``errors``. Must not
import ``evaluation``, ``views`` or ``cli``. Checked by import-linter in ``make lint``.
"""

from __future__ import annotations

from stance.batchfile.collect import CollectSummary, collect_results
from stance.batchfile.manifest import custom_id, manifest_path_for, parse_custom_id
from stance.batchfile.prepare import PrepareSummary, RequestBuilder, prepare_batch
from stance.batchfile.runner import RunSummary, run_requests

__all__ = [
    "CollectSummary",
    "PrepareSummary",
    "RequestBuilder",
    "RunSummary",
    "collect_results",
    "custom_id",
    "manifest_path_for",
    "parse_custom_id",
    "prepare_batch",
    "run_requests",
]
