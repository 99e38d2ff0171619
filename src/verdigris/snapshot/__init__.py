"""Snapshots (SPEC.md 5): load a verdigris-snapshot/1 file, dump one back."""
