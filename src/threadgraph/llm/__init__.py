"""Chat model adapters: any OpenAI-compatible endpoint, and the local offline model."""
