"""Stage 6, build: configuration, gathering, the up-to-date skip, writing outputs."""
