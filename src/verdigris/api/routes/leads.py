"""Routes of /leads (placeholder until its issue lands)."""

from fastapi import APIRouter

router = APIRouter()
