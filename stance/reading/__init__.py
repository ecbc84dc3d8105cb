"""Reading: the extraction core, from an article's text to grounded claims, actors, denial
links and stances, in stages that flow one way (checked by import-linter in ``make lint``):

- ``find``: one parse, the paragraphs, the lexicon, the attribution candidates, their
  sources and speakers, and the actor registry: what code can find exactly;
- ``judge``: the rules' reading and the ``--judge`` deciders (learned heads, a model by
  pointer, the rules) for claim types, denial links and stances;
- ``ask``: prompts and the questions put to a model about the candidates;
- ``assemble``: the checks, the merge, ids, links, stances and the actor-to-actor table;
- ``base``: the draft every stage hands on, quote alignment, and the model protocol.

``candidate_pipeline`` runs find, judge and ask for the readers that start from candidates;
``extractor.Extractor`` runs every reader and assembles the record.

May import: ``stance.schema``, ``stance.errors``, pydantic, rapidfuzz, yaml, numpy, the
standard library. Must not import any other stance package nor a model SDK: it talks to a
model only through ``base.model_interface.StructuredModel``, which ``stance.llm`` implements.
"""

__all__: list[str] = []
