"""Find: what code can find exactly, from one parse.

The parse (``document``), paragraphs (``segments``), the lexicon (``lexicon_data``,
``type_words``), quotation marks and clauses, the attribution candidates (``candidates``),
their sources and speakers (``source_names``, ``source_actor``, ``speaker_nouns``,
``descriptions``, ``gender``, ``speakers``) and the actor registry (``actors``, ``mentions``).
The registry sits here, low: every later stage reads it and nothing here reads them.
"""

__all__: list[str] = []
