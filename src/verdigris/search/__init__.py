"""A validated search (parsing/search.py) -> SQL: filter clauses, order, capped count and
page ids, run inside the database for any declared record type."""
