"""Greedy sampling that consults the JSON-schema grammar only when the model strays from it.

llama-cpp-python's stock sampler chain runs the grammar over the whole vocabulary (151,936
tokens for Qwen2.5) before every greedy pick. With our answer schemas that check costs more
than the arithmetic of the step itself: on the reader's questions it was 1.52 s per call
against 0.89 s with no schema at all (2 cores, Qwen2.5-Coder-1.5B).

Greedy decoding only needs the grammar to say whether the best token is allowed. This
sampler takes the unconstrained argmax, asks the grammar about that one token, and falls
back to masking the whole vocabulary only when the grammar refuses it (llama.cpp's own
``common_sampler_sample`` does the same unless told ``grammar_first``). The token chosen is
the one the stock chain would choose: the argmax over the allowed tokens is the global
argmax whenever the global argmax is allowed, and both pick the lowest id among equal logits.
So answers, and the response cache's keys, do not change; only the time does.

Used only where that equivalence holds: temperature 0, no repetition penalties, no logits
processors. Everything else goes through llama-cpp-python's own chain.
"""

from __future__ import annotations

import ctypes
import math
from typing import Any

import llama_cpp
import numpy as np
from llama_cpp import Llama

__all__ = ["CheckedGreedyLlama", "CheckedGreedySampler"]

_TOKEN_DATA = np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)], align=True)


class CheckedGreedySampler:
    """Duck-types ``llama_cpp._internals.LlamaSampler`` for ``Llama.sample``: ``sample`` and
    ``close``. One instance serves one generation: the grammar's state follows its tokens."""

    def __init__(self, model: Any, grammar: Any, n_vocab: int) -> None:
        # bound now: at interpreter exit the llama_cpp module may be gone before this object
        self._free = llama_cpp.llama_sampler_free
        self._grammar = None
        self._grammar = llama_cpp.llama_sampler_init_grammar(
            model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8")
        )
        if not self._grammar:
            raise ValueError("llama.cpp could not parse the response grammar")
        self._n_vocab = n_vocab
        self._one = (llama_cpp.llama_token_data * 1)()
        self._all = np.zeros(n_vocab, dtype=_TOKEN_DATA)
        self._all["id"] = np.arange(n_vocab, dtype=np.intc)
        self.refusals = 0  # steps where the grammar refused the model's first choice

    def _allowed(self, token: int, logit: float) -> bool:
        self._one[0].id = llama_cpp.llama_token(token)
        self._one[0].logit = logit
        self._one[0].p = 0.0
        candidates = llama_cpp.llama_token_data_array(
            data=self._one, size=1, selected=-1, sorted=False
        )
        llama_cpp.llama_sampler_apply(self._grammar, ctypes.byref(candidates))
        return not math.isinf(self._one[0].logit)

    def _best_allowed(self, logits: np.ndarray[Any, Any]) -> int:
        self._all["logit"] = logits
        candidates = llama_cpp.llama_token_data_array(
            data=self._all.ctypes.data_as(llama_cpp.llama_token_data_p),
            size=self._n_vocab,
            selected=-1,
            sorted=False,
        )
        llama_cpp.llama_sampler_apply(self._grammar, ctypes.byref(candidates))
        return int(np.argmax(self._all["logit"]))

    def sample(self, ctx: Any, idx: int = -1) -> int:
        """The greedy token at ``idx`` among those the grammar allows; the grammar accepts it."""
        pointer = llama_cpp.llama_get_logits_ith(ctx.ctx, idx)
        logits = np.ctypeslib.as_array(pointer, shape=(self._n_vocab,))
        token = int(np.argmax(logits))
        if not self._allowed(token, float(logits[token])):
            self.refusals += 1
            token = self._best_allowed(logits)
        llama_cpp.llama_sampler_accept(self._grammar, token)
        return token

    def close(self) -> None:
        if getattr(self, "_grammar", None):
            self._free(self._grammar)
            self._grammar = None

    def __del__(self) -> None:
        self.close()


class CheckedGreedyLlama(Llama):
    """``Llama`` whose greedy, grammar-constrained generations use ``CheckedGreedySampler``."""

    def _init_sampler(self, *args: Any, **kwargs: Any) -> Any:
        grammar = kwargs.get("grammar")
        plain_greedy = (
            not args
            and grammar is not None
            and kwargs.get("temp") == 0.0
            and kwargs.get("logits_processor") is None
            and kwargs.get("repeat_penalty", 1.0) == 1.0
            and kwargs.get("frequency_penalty", 0.0) == 0.0
            and kwargs.get("presence_penalty", 0.0) == 0.0
        )
        if not plain_greedy:
            return super()._init_sampler(*args, **kwargs)
        return CheckedGreedySampler(self._model, grammar, self._n_vocab)
