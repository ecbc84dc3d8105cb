"""What tokens cost: a hand-kept price table for known OpenAI models.

Shared by the batch summary and eval reports. Unknown models have no price (None), never
a guessed one; a local model costs nothing per token.
"""

from __future__ import annotations

from stance.schema import Usage

__all__ = ["PRICES", "cost_usd"]

# USD per million (prompt, completion) tokens; a local model has no per-token price.
PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
}


def cost_usd(model: str, usage: Usage) -> float | None:
    """Estimated cost of the tokens used, or None when the model's price is unknown."""
    if model.startswith("local:") or model == "none":  # in-process, or no model at all
        return 0.0
    price = PRICES.get(model.partition(":")[2] or model)
    if price is None:
        return None
    return round((usage.prompt_tokens * price[0] + usage.completion_tokens * price[1]) / 1e6, 6)
