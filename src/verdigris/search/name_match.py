"""Fuzzy name match (SPEC.md 3): Elasticsearch fuzziness AUTO, served by the index.

Candidates come from `token_variants` (symmetric deletion: a token within k edits of a
query token shares a k-deletion variant with it); each distinct vocabulary token is then
checked with the exact distance, and records are found through `name_tokens`.
"""

from __future__ import annotations

from collections import defaultdict
from functools import partial
from typing import Any

from sqlalchemy import Connection, Select, false, select
from sqlalchemy.sql.elements import ColumnElement

from verdigris.domain.declarations import declaration
from verdigris.domain.text import deletion_variants, edit_budget, name_tokens, osa_distance
from verdigris.search.scope import Scope
from verdigris.storage import schema
from verdigris.storage.dialect import in_values
from verdigris.storage.search_rows import MAX_FUZZY_TOKEN

# Stored tokens longer than MAX_FUZZY_TOKEN index no variants, so no query token more
# than two characters longer can reach a token that has them: look such tokens up as is.
_MAX_FUZZY_QUERY = MAX_FUZZY_TOKEN + 2


def query_variants(query: str) -> dict[str, set[str]]:
    """Deletion variant -> the query tokens it came from."""
    sources: dict[str, set[str]] = defaultdict(set)
    for token in set(name_tokens(query)):
        depth = edit_budget(token) if len(token) <= _MAX_FUZZY_QUERY else 0
        for variant in deletion_variants(token, depth):
            sources[variant].add(token)
    return sources


def matched_tokens(conn: Connection, account_id: int, query: str) -> list[str]:
    """Vocabulary tokens of the account within the edit budget of a query token."""
    sources = query_variants(query)
    if not sources:
        return []
    tv = schema.token_variants
    pairs = conn.execute(
        select(tv.c.variant, tv.c.token).where(
            tv.c.account_id == account_id, in_values(tv.c.variant, sorted(sources))
        )
    )
    reached: dict[str, set[str]] = defaultdict(set)  # a token reached by many variants
    for variant, token in pairs:  # is checked once against each query token
        reached[token] |= sources[variant]
    return sorted(token for token, queries in reached.items() if _within_budget(token, queries))


def tokens_of(scope: Scope, query: str) -> list[str]:
    """matched_tokens of the scope's account, read once for the scope's search."""
    if query not in scope.name_tokens:
        scope.name_tokens[query] = matched_tokens(scope.conn, scope.account_id, query)
    return scope.name_tokens[query]


def _within_budget(token: str, queries: set[str]) -> bool:
    return any(osa_distance(q, token, edit_budget(q)) <= edit_budget(q) for q in queries)


def name_clause(scope: Scope, query: str) -> ColumnElement[bool]:
    tokens = tokens_of(scope, query)
    if not tokens:
        return false()
    names = schema.name_tokens
    listed = in_values(names.c.token, tokens)
    # Leads: counting the token index's ids beside the converted flag reads every
    # converted lead's id first (50,000 for 98 leads of a rare name: 0.1 -> 7.7 ms on
    # PostgreSQL, for a surname's 3,800 leads 2.8 -> 7.8 ms on SQLite).
    flagged = declaration(scope.record_type).converted_column is not None
    once = None if flagged else partial(_each_once, scope, listed)
    return scope.child_ids(names, listed, values=len(tokens), once=once)


def _each_once(scope: Scope, listed: ColumnElement[bool]) -> Select[Any]:
    """The records holding any of the tokens, each once (a name may hold two), from the
    token index alone, for a search with no other filter to count: a common surname's
    4,000 people in 7.5 -> 1.1 ms on PostgreSQL, 3.0 -> 0.7 ms on SQLite, which looked
    each one up in the records. SQLite is told the index: for the DISTINCT it would
    rather read the type's every token in record order (215 ms)."""
    names = schema.name_tokens
    rows = scope.child_rows(names, listed).distinct()
    return rows.with_hint(names, "INDEXED BY ix_name_tokens_token", "sqlite")
