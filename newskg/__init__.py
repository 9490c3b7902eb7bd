"""newskg: knowledge graph and question answering over Chinese news (command-line face)."""

__version__ = "0.1.0"
