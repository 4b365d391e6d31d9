"""AWS clients (botocore, one session per container), created lazily and cached (moto must start first in tests; cold start stays small)."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path
from typing import Any

from netclub.config import clear_cache, get_settings, snap_start_init

# botocore at DEBUG writes whole request and response bodies (addresses, profiles, token hashes) and
# the signed headers. Lambda's log-level setting can turn the root logger to DEBUG; the SDK's own
# loggers stay at WARNING whatever it says, so personal data never reaches CloudWatch through them.
SDK_LOGGERS = ("boto3", "botocore", "s3transfer", "urllib3")
MODELS = Path(__file__).parent / "aws_models"


def quiet_sdk_loggers() -> None:
    for name in SDK_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def client(service: str) -> Any:
    settings = get_settings()
    return _client(service, settings.region, settings.aws_endpoint_url)


@cache
def _session() -> Any:
    """The container's one botocore session, which every client is made from.

    Not boto3's: a boto3 Session adds to botocore only resource classes and S3 transfer methods
    (upload_file & co.), and the latter are injected, importing s3transfer with multiprocessing and
    concurrent.futures (~15 ms CPU), whenever an S3 client is made. The portal uses low-level
    clients only (the presigned POST and GET are botocore's own); the clients are the same.
    """
    quiet_sdk_loggers()
    import botocore.session  # imported here so that handlers that never touch AWS skip its import cost

    session = botocore.session.get_session()
    # the service models cut down to the operations the portal calls (local/aws_models.py): read before botocore's own
    session.get_component("data_loader").search_paths.insert(0, str(MODELS))
    return session


def new_client(service: str, region: str, endpoint_url: str | None, config: Any) -> Any:
    """A client of the container's session (not cached: `client` is the cached one)."""
    return _session().create_client(service, region_name=region, endpoint_url=endpoint_url, config=config)


@cache
def _client(service: str, region: str, endpoint_url: str | None) -> Any:
    from botocore.config import Config

    if service == "sesv2":
        # A mail is sent inside a request (10 s timeout) after its action committed, and a failed send
        # waits in the outbox for the scheduled retry: one quick retry here, and on AWS short timeouts,
        # so SES throttling or an unreachable endpoint can never hold the answer past the function's
        # timeout. (Not against the local stack's moto: under the concurrency walk its slow answers
        # tripped them and left the stack unable to exit.)
        timeouts = {"connect_timeout": 2, "read_timeout": 5} if endpoint_url is None else {}
        config = Config(retries={"max_attempts": 1, "mode": "standard"}, **timeouts)
    else:
        config = Config(retries={"max_attempts": 3, "mode": "standard"}, signature_version="s3v4" if service == "s3" else None)
    return new_client(service, region, endpoint_url, config)


def reset_clients() -> None:
    """Tests and the local stack call this after changing the environment."""
    _client.cache_clear()
    _session.cache_clear()
    clear_cache()


# What AWS answers when it is overloaded or out for a moment (the SDK has already retried these):
# DynamoDB's and SES's throttling, and their 5xx. Each means "nothing was done, try again later".
THROTTLING_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "LimitExceededException",
        "SlowDown",
        "ThrottlingError",  # a TransactWriteItems cancellation reason
        "ProvisionedThroughputExceeded",  # a TransactWriteItems cancellation reason
    }
)
OUTAGE_CODES = frozenset({"InternalServerError", "InternalFailure", "ServiceUnavailable", "ServiceUnavailableException", "RequestTimeout"})


def error_code(exc: BaseException) -> str:
    """The AWS error code of a botocore ClientError ("" for anything else)."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return ""
    return str((response.get("Error") or {}).get("Code") or "")


def refused_for_now(exc: BaseException) -> bool:
    """True when AWS throttled the call or was unreachable/out even after the SDK's retries.

    Checked without importing botocore for errors that cannot be botocore's (handlers that never
    touch AWS keep their cold start small).
    """
    if not type(exc).__module__.startswith("botocore"):
        return False
    from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

    if isinstance(exc, ConnectionError | HTTPClientError):
        return True
    if isinstance(exc, ClientError):
        status = int((exc.response.get("ResponseMetadata") or {}).get("HTTPStatusCode") or 0)
        return error_code(exc) in THROTTLING_CODES | OUTAGE_CODES or status in (429, 500, 502, 503, 504)
    return False


def prime_for_snapshot() -> None:
    """Under SnapStart, the DynamoDB client (every function's) is made during init, so the snapshot holds it.

    Lambda runs init once per published version and restores its memory on a cold start: work done
    here is not repeated. Elsewhere (tests, the local stack, on-demand init) clients stay lazy: moto
    must start first, and an init without a snapshot gains nothing from doing it early.
    """
    if snap_start_init():
        client("dynamodb")


prime_for_snapshot()
