"""boto3 clients, created lazily and cached (moto must start first in tests; cold start stays small)."""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

from netclub.config import clear_cache, get_settings

# botocore at DEBUG writes whole request and response bodies (addresses, profiles, token hashes) and
# the signed headers. Lambda's log-level setting can turn the root logger to DEBUG; the SDK's own
# loggers stay at WARNING whatever it says, so personal data never reaches CloudWatch through them.
SDK_LOGGERS = ("boto3", "botocore", "s3transfer", "urllib3")


def quiet_sdk_loggers() -> None:
    for name in SDK_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def client(service: str) -> Any:
    settings = get_settings()
    return _client(service, settings.region, settings.aws_endpoint_url)


@cache
def _client(service: str, region: str, endpoint_url: str | None) -> Any:
    quiet_sdk_loggers()
    import boto3  # imported here so that handlers that never touch AWS skip its import cost
    from botocore.config import Config

    return boto3.client(
        service,
        region_name=region,
        endpoint_url=endpoint_url,
        config=Config(retries={"max_attempts": 3, "mode": "standard"}, signature_version="s3v4" if service == "s3" else None),
    )


def reset_clients() -> None:
    """Tests and the local stack call this after changing the environment."""
    _client.cache_clear()
    clear_cache()
