"""Stage 4, Anki: card HTML, notes, their identity (the lock) and the .apkg."""
