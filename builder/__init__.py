"""build-deck: Markdown Q&A notes → Anki decks and printable PDF cheat sheets."""

__version__ = "0.1.0"
