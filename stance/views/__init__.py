"""Views: what people look at. Terminal tables, the self-contained HTML viewer, eval and
comparison pages, and the SVG plots they embed.

May import: ``evaluation`` (reports to draw), ``runs``, ``reading``, ``schema``,
``errors``. Must not import ``cli``, nor a model SDK: showing results never needs a model.
Checked by import-linter in ``make lint``.
"""

__all__: list[str] = []
