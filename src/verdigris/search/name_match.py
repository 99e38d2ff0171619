"""Fuzzy name match (SPEC.md 3): Elasticsearch fuzziness AUTO, served by the index.

Candidates come from `token_variants` (symmetric deletion: a token within k edits of a
query token shares a k-deletion variant with it); each distinct vocabulary token is then
checked with the exact distance, and records are found through `name_tokens`.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, false, select
from sqlalchemy.sql.elements import ColumnElement

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
    matched = {
        token
        for variant, token in pairs
        if any(osa_distance(q, token, edit_budget(q)) <= edit_budget(q) for q in sources[variant])
    }
    return sorted(matched)


def name_clause(scope: Scope, query: str) -> ColumnElement[bool]:
    tokens = matched_tokens(scope.conn, scope.account_id, query)
    if not tokens:
        return false()
    names = schema.name_tokens
    return scope.child_ids(names, in_values(names.c.token, tokens), values=len(tokens))
