"""Errors raised below the HTTP layer; only api/errors.py turns them into responses.

VerdigrisError
 ├── BadRequest      400  malformed JSON, wrong type, unknown sort key, bad paging
 ├── Unauthorized    401  missing or wrong X-PW headers
 ├── NotFound        404  unknown record or route
 ├── PayloadTooLarge 413
 ├── Unprocessable   422  valid request that cannot be applied
 ├── RateLimited     429  carries retry_after seconds
 ├── Unavailable     503  the database could not take a write in time; carries retry_after
 └── SnapshotError        a snapshot file that cannot be loaded (CLI only)
"""

from __future__ import annotations


class VerdigrisError(Exception):
    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(VerdigrisError):
    status = 400


class Unauthorized(VerdigrisError):
    status = 401


class NotFound(VerdigrisError):
    status = 404


class PayloadTooLarge(VerdigrisError):
    status = 413


class Unprocessable(VerdigrisError):
    status = 422

    def __init__(self, message: str, ids: list[int] | None = None) -> None:
        super().__init__(message)
        self.ids = ids


class RateLimited(VerdigrisError):
    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(VerdigrisError):
    status = 503

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SnapshotError(VerdigrisError):
    status = 400
