"""HTTP in, JSON out: FastAPI routers over search and storage."""
