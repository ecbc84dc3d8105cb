"""The base of reading: what every stage hands on.

``merge.Draft`` (a grounded claim before ids, what the judges decide about and assembly
merges), ``alignment`` (a model's quote matched back to the text) and ``model_interface``
(the one protocol through which any stage may ask a model). Imports no other stage.
"""

__all__: list[str] = []
