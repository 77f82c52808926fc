"""Embedding adapters: sentence-transformers offline (default) or an OpenAI-compatible
embeddings endpoint."""
