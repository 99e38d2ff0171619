"""Loaded table rows -> Copper JSON dicts in SPEC.md key order; pure, no database."""
