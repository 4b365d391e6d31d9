"""`Idempotency-Key` support for creating requests (POST /api/inquiries, POST /api/directory/{company_id}/contact).

POST /api/reservations writes its key's record inside the reservation's own transaction instead
(store/requests.py, services/reservations.py: apply); it uses check_key and EXPIRES_AFTER_SECONDS of
netclub.idempotency_key, which this module shares.

Powertools Idempotency with its DynamoDB persistence layer on the idempotency table, keyed on the
member and the header's value: a repeat with the same key returns the first result and runs
nothing; the same key with a different payload is a 409 `idempotency_key_reused`; no key → just run.

The persistence layer is built on first use (never at import) on the cached client of
netclub.aws, so moto (tests) and the local stack's endpoint are picked up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig
from aws_lambda_powertools.utilities.idempotency.base import IdempotencyHandler
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyPersistenceLayerError,
    IdempotencyValidationError,
)

from netclub.aws import client, error_code, refused_for_now
from netclub.config import get_settings
from netclub.errors import Conflict, Unavailable
from netclub.idempotency_key import EXPIRES_AFTER_SECONDS, HEADER, MAX_KEY_LENGTH, check_key

logger = Logger(service="netclub", child=True)

__all__ = ["EXPIRES_AFTER_SECONDS", "HEADER", "MAX_KEY_LENGTH", "check_key", "once"]

IN_PROGRESS_MILLIS = 30_000  # longer than any function's timeout (10 s): a crashed run frees its key after this


class _RunBudget:
    """Services see no Lambda context; an in-progress record is held for a fixed budget instead."""

    def get_remaining_time_in_millis(self) -> int:
        return IN_PROGRESS_MILLIS


_CONFIG = IdempotencyConfig(
    event_key_jmespath="[member_id, key]",
    payload_validation_jmespath="payload",
    raise_on_no_idempotency_key=True,
    expires_after_seconds=EXPIRES_AFTER_SECONDS,
)
_CONFIG.register_lambda_context(_RunBudget())  # type: ignore[arg-type]


class _Persistence(DynamoDBPersistenceLayer):
    """Powertools' DynamoDB layer, where the idempotency table's trouble never hides the use case's answer.

    - Before the run (the in-progress record, reading a previous one): a failure raises, nothing
      has run yet, the member gets 503 unavailable and may repeat with the same key.
    - After a run that committed (saving its result): the action is done and answers its success.
      The record stays "in progress" and expires after IN_PROGRESS_MILLIS; the use case itself
      must then recognise a repeat of the same key (inquiries: a key record in the same
      transaction; reservations: the key's digest on the reservation), so a key never
      yields two records.
    - After a run that failed (removing the in-progress record): the run's own error is answered.
    """

    def save_success(self, data: dict[str, Any], result: dict[str, Any]) -> None:
        try:
            super().save_success(data, result)
        except Exception as exc:
            logger.warning("idempotency result not saved; the action is done", extra={"error": error_code(exc) or type(exc).__name__})

    kept_in_progress = False  # the in-progress record of a failed run could not be removed

    def delete_record(self, data: dict[str, Any], exception: Exception) -> None:
        try:
            super().delete_record(data, exception)
        except Exception as exc:
            self.kept_in_progress = True
            logger.warning("idempotency record not removed after a failed run", extra={"error": error_code(exc) or type(exc).__name__})


def _persistence() -> _Persistence:
    # Cheap to build (no network); built per call so a fresh client (tests reset them) is always used.
    return _Persistence(table_name=get_settings().need("idempotency_table_name"), boto3_client=client("dynamodb"))


def once(member_id: str, key: str | None, payload: dict[str, Any], run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run `run` once per (member, key); a repeat returns the stored first result without running."""
    key = check_key(key)
    if key is None:
        return run()

    def execute(**_: Any) -> dict[str, Any]:
        return run()

    persistence = _persistence()
    handler = IdempotencyHandler(
        function=execute,
        function_payload={"member_id": member_id, "key": key, "payload": payload},
        config=_CONFIG,
        persistence_store=persistence,
        # scope the records per use case (the caller's function), independent of the Lambda's name
        key_prefix=f"netclub.{getattr(run, '__module__', '')}.{getattr(run, '__qualname__', 'run')}",
        function_args=(),
        function_kwargs={},
    )
    try:
        result: dict[str, Any] = handler.handle()
    except IdempotencyValidationError:
        raise Conflict(
            "この Idempotency-Key は、内容の異なる別の申込ですでに使われています。新しいキーで送信してください。",
            code="idempotency_key_reused",
        ) from None
    except IdempotencyAlreadyInProgressError:
        raise Conflict("同じお申込みを処理中です。しばらくしてから画面を更新してご確認ください。", code="idempotency_in_progress") from None
    except IdempotencyPersistenceLayerError as exc:  # the idempotency table throttled or out before the run: nothing done
        logger.warning("idempotency table unavailable", extra={"error": error_code(exc.__cause__) if exc.__cause__ else type(exc).__name__})
        raise Unavailable() from None
    except Exception as exc:
        if persistence.kept_in_progress and (isinstance(exc, Unavailable) or refused_for_now(exc)):
            # AWS refused the run and the removal of its in-progress record: the key is held until that record expires
            raise Unavailable(retry_after=IN_PROGRESS_MILLIS // 1000) from None
        raise
    return result
