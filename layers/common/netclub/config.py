"""Settings, read once from the environment (the only module that reads os.environ)."""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import BaseModel


class Settings(BaseModel):
    stage: str = "local"
    table_name: str = "netclub"
    idempotency_table_name: str = "netclub-idempotency"
    attachments_bucket: str = "netclub-attachments"
    mail_from: str = "no-reply@netclub.example"
    frontend_url: str = "http://127.0.0.1:3000"
    cookie_secure: bool = True
    session_idle_minutes: int = 60
    session_absolute_hours: int = 12
    token_ttl_minutes: int = 60
    aws_endpoint_url: str | None = None
    s3_public_endpoint: str | None = None  # local stack: presigned S3 URLs through the gateway's /_s3 proxy
    region: str = "ap-northeast-1"
    # login throttling
    login_max_failures_account: int = 5
    login_max_failures_ip: int = 50
    login_window_minutes: int = 15
    # argon2id (OWASP: m=19 MiB, t=2, p=1)
    argon2_time_cost: int = 2
    argon2_memory_kib: int = 19456
    argon2_parallelism: int = 1


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    values: dict[str, object] = {}
    mapping = {
        "STAGE": "stage",
        "TABLE_NAME": "table_name",
        "IDEMPOTENCY_TABLE_NAME": "idempotency_table_name",
        "ATTACHMENTS_BUCKET": "attachments_bucket",
        "MAIL_FROM": "mail_from",
        "FRONTEND_URL": "frontend_url",
        "COOKIE_SECURE": "cookie_secure",
        "AWS_ENDPOINT_URL": "aws_endpoint_url",
        "S3_PUBLIC_ENDPOINT": "s3_public_endpoint",
        "AWS_REGION": "region",
        "ARGON2_TIME_COST": "argon2_time_cost",
        "ARGON2_MEMORY_KIB": "argon2_memory_kib",
    }
    for env_name, field in mapping.items():
        value = _env(env_name)
        if value not in (None, ""):
            values[field] = value
    return Settings.model_validate(values)


def local_accounts() -> dict[str, tuple[str, str]]:
    """Demo logins of the local stack (never created elsewhere); overridable by environment."""
    return {
        "staff": (
            _env("NETCLUB_STAFF_EMAIL", "staff@netclub.example") or "",
            _env("NETCLUB_STAFF_PASSWORD", "Staff#2026pass") or "",
        ),
        "member": (
            _env("NETCLUB_DEMO_EMAIL", "chushojiro@netclub.example") or "",
            _env("NETCLUB_DEMO_PASSWORD", "Demo#2026pass") or "",
        ),
    }
