"""Routes of follows (placeholder until its issue lands)."""

from fastapi import APIRouter

router = APIRouter()
