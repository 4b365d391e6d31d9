"""Request/response and domain models (pydantic v2)."""
