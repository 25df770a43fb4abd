"""Stage 1, parse: a source file's bytes → the frozen model (builder.model)."""
