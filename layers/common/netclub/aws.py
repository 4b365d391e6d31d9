"""boto3 clients, created lazily and cached (moto must start first in tests; cold start stays small)."""

from __future__ import annotations

from functools import cache
from typing import Any

from netclub.config import get_settings


@cache
def client(service: str) -> Any:
    import boto3  # imported here so that handlers that never touch AWS skip its import cost
    from botocore.config import Config

    settings = get_settings()
    return boto3.client(
        service,
        region_name=settings.region,
        endpoint_url=settings.aws_endpoint_url,
        config=Config(retries={"max_attempts": 3, "mode": "standard"}, signature_version="s3v4" if service == "s3" else None),
    )


def reset_clients() -> None:
    """Tests and the local stack call this after changing the environment."""
    client.cache_clear()
    get_settings.cache_clear()
