"""Routes of /lookups (placeholder until its issue lands)."""

from fastapi import APIRouter

router = APIRouter()
