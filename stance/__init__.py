"""stance: grounded per-actor claims, stances and denials from news articles."""
