"""Plumbing every stage may use: whole-file writes, code hashes, child processes, YAML."""
