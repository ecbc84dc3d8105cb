"""Judge: the calls a labeller makes about what code found.

The rules' reading (``rules_reader``: candidates to drafts, typed by ``rules_types``,
linked by ``denial_links``), stances from claims (``stances``), and the three judges of
``--judge``: ``learned`` (trained heads over parse features: ``features``, ``heads``,
``targets``), ``model`` (an endpoint asked by pointer: ``model_judge``) and ``rules``.
"""

__all__: list[str] = []
