"""Reading: the extraction core, from an article's text to grounded claims, actors, denial
links and stances.

Stages, in order: segments (paragraphs and windows) → prompts → the model's answers
(through ``model_interface.StructuredModel``) → alignment of quotes to offsets → speakers
and actors → claim rules → merge, denial links, stances → ``extractor.Extractor``.

May import: ``stance.schema``, ``stance.errors``, pydantic, rapidfuzz, yaml, the standard
library. Must not import: any other stance package (``llm``, ``runs``, ``evaluation``,
``views``, ``cli``, ``batchfile``, ``api``) nor a model SDK (openai, instructor, httpx,
llama_cpp). It talks to a model only through the ``StructuredModel`` protocol, which
``stance.llm`` implements. Checked by import-linter in ``make lint``.
"""

__all__: list[str] = []
