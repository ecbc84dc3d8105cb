"""Providers: the code that talks to one kind of model. ``local`` runs a GGUF file with
llama.cpp in-process; ``openai_compat`` posts to OpenAI or any compatible server. Each is
registered in ``stance.llm.registry``; nothing else imports them.
"""

__all__: list[str] = []
