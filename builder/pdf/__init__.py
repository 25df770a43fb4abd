"""Stage 5, PDF: the cheat sheet and print-and-cut cards, typeset with typst."""
