"""Ask: prompts and the questions put to a model about what code found.

The prompt templates (``prompts``), the answer schemas (``answers``, ``pointer_answers``)
and the readers that ask per candidate or per window (``question_reader``,
``pointer_reader``). Every model call goes through ``base.model_interface``.
"""

__all__: list[str] = []
