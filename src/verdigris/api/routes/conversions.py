"""Routes of conversions (placeholder until its issue lands)."""

from fastapi import APIRouter

router = APIRouter()
