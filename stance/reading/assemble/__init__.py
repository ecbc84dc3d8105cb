"""Assemble: drafts to the record.

The checks a model's reading needs (``claim_rules``), the merge into claims with ids, the
denial links and stances made final, and the actor-to-actor table (``relations``):
``assembly.assemble`` is where every reader ends.
"""

__all__: list[str] = []
