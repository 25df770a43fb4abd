"""Stage 2, checks: what the author is told about a parsed document."""
