"""Models: the structured-output client, providers (embedded llama.cpp, OpenAI-compatible
endpoints) registered in one registry, transport retries, rate limits, the SQLite response
cache and the store that assembles the embedded model.

May import: ``stance.schema``, ``stance.errors``, the model SDKs (openai, instructor, httpx,
llama_cpp: each loaded only when a model call is really made). Must not import ``reading``
or any package above it: the reader depends on a protocol this package implements, not the
other way round. Checked by import-linter in ``make lint``.
"""

__all__: list[str] = []
