"""Settings from the environment (the only module that reads os.environ).

A function sees only what template.yaml gives it (Globals + its own Environment). The names of
resources (table, bucket, sender, front end) have no defaults: a function that uses one its
template entry does not declare fails with MissingSetting, here as it would on AWS.
Settings are cached per set of values, so a changed environment is picked up without a reset.
A plain dataclass, not a pydantic model: every function reads its settings, the authorizer (which
runs before every authenticated request) included, and pydantic is not to be imported for that.
"""

from __future__ import annotations

import dataclasses
import os
from functools import lru_cache
from typing import Any


@dataclasses.dataclass(frozen=True)
class Settings:
    stage: str = "local"
    # resources: no defaults (see need())
    table_name: str | None = None
    idempotency_table_name: str | None = None
    attachments_bucket: str | None = None
    directory_bucket: str | None = None  # 会員企業検索's index object (store/directory.py)
    newsletter_queue_url: str | None = None  # メールマガジン: the recipients' queue (services/newsletters.py)
    newsletter_dead_letter_queue_url: str | None = None  # where a message goes after NewsletterQueue's maxReceiveCount (staff re-drive it)
    newsletter_max_receives: int = 5  # NewsletterQueue's RedrivePolicy maxReceiveCount: the worker's last attempt at a message
    newsletter_send_rate: float = 10.0  # SES sends a second per newsletter worker (the account's rate ÷ the queue's maximum concurrency)
    member_import_queue_url: str | None = None  # 会員データ移行: validation and chunks of rows (services/member_import.py)
    invitation_send_rate: float = 5.0  # ご利用開始 mails a second per import worker (SES's account rate ÷ the mapping's concurrency, less the newsletters')
    exports_bucket: str | None = None  # 名簿出力 and 参加者名簿: the built CSVs, expiring after a day (services/exports.py)
    export_queue_url: str | None = None  # the export jobs the worker builds (services/exports.py)
    lottery_queue_url: str | None = None  # the counselling draws the worker runs (services/lottery.py)
    withdrawn_retention_days: int = 365  # personal-data-retention: a withdrawn member is anonymised this long after withdrawal
    attachment_retention_days: int = 180  # personal-data-retention: inquiry attachments deleted this long after the inquiry closed
    mail_from: str | None = None
    mail_configuration_set: str | None = None  # every mail goes through it: its bounces and complaints come back (SNS)
    frontend_url: str | None = None
    cookie_secure: bool = True
    session_idle_minutes: int = 60
    session_absolute_hours: int = 12
    token_ttl_minutes: int = 60
    aws_endpoint_url: str | None = None
    s3_public_endpoint: str | None = None  # local stack: presigned S3 URLs through the gateway's /_s3 proxy
    region: str = "ap-northeast-1"
    # the secret CloudFront adds as X-Origin-Verify: only then is X-Netclub-Viewer-Ip believed (api.source_ip)
    origin_verify_secret: str | None = None
    # the key of the members' private calendar feed URLs (services/calendar.py): a token is an HMAC under it
    calendar_feed_secret: str | None = None
    # login throttling (services/throttle.py)
    login_max_failures_account: int = 5  # per (account, source address) and per (account, known browser), a window
    login_max_failures_ip: int = 50  # per source address, all accounts, a window
    login_window_minutes: int = 15
    login_free_failures: int = 5  # per account from unknown browsers, before delays
    login_first_delay_ms: int = 16  # doubled by each attempt: 0.5 s before the 6th after the free 5, …
    login_delay_cap_seconds: int = 300
    device_days: int = 90
    mfa_max_per_account: int = 30  # second-factor attempts a login window per staff account, from every source (services/mfa.py)
    staff_invitation_hours: int = 72  # 職員招待 links (services/staff.py)
    # mails to an address the caller chooses (reset, registration, e-mail change)
    mail_window_minutes: int = 60
    mail_max_per_address: int = 3
    mail_max_per_source: int = 20
    # argon2id (OWASP: m=19 MiB, t=2, p=1)
    argon2_time_cost: int = 2
    argon2_memory_kib: int = 19456
    argon2_parallelism: int = 1

    def need(self, name: str) -> str:
        """A resource setting this function must have been given (MissingSetting names its variable)."""
        value = getattr(self, name)
        if not value:
            raise MissingSetting(_VARIABLES[name])
        return str(value)


class MissingSetting(RuntimeError):
    """The function uses a setting that template.yaml does not give it."""

    def __init__(self, variable: str) -> None:
        super().__init__(f"{variable} is not in this function's environment (template.yaml: Globals or the function's Environment)")
        self.variable = variable


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


_MAPPING = {
    "STAGE": "stage",
    "TABLE_NAME": "table_name",
    "IDEMPOTENCY_TABLE_NAME": "idempotency_table_name",
    "ATTACHMENTS_BUCKET": "attachments_bucket",
    "DIRECTORY_BUCKET": "directory_bucket",
    "NEWSLETTER_QUEUE_URL": "newsletter_queue_url",
    "NEWSLETTER_SEND_RATE": "newsletter_send_rate",
    "NEWSLETTER_DEAD_LETTER_QUEUE_URL": "newsletter_dead_letter_queue_url",
    "NEWSLETTER_MAX_RECEIVES": "newsletter_max_receives",
    "MEMBER_IMPORT_QUEUE_URL": "member_import_queue_url",
    "INVITATION_SEND_RATE": "invitation_send_rate",
    "EXPORTS_BUCKET": "exports_bucket",
    "EXPORT_QUEUE_URL": "export_queue_url",
    "LOTTERY_QUEUE_URL": "lottery_queue_url",
    "WITHDRAWN_RETENTION_DAYS": "withdrawn_retention_days",
    "ATTACHMENT_RETENTION_DAYS": "attachment_retention_days",
    "MAIL_FROM": "mail_from",
    "MAIL_CONFIGURATION_SET": "mail_configuration_set",
    "FRONTEND_URL": "frontend_url",
    "COOKIE_SECURE": "cookie_secure",
    "AWS_ENDPOINT_URL": "aws_endpoint_url",
    "S3_PUBLIC_ENDPOINT": "s3_public_endpoint",
    "ORIGIN_VERIFY_SECRET": "origin_verify_secret",
    "CALENDAR_FEED_SECRET": "calendar_feed_secret",
    "AWS_REGION": "region",
    "ARGON2_TIME_COST": "argon2_time_cost",
    "ARGON2_MEMORY_KIB": "argon2_memory_kib",
}
_VARIABLES = {field: variable for variable, field in _MAPPING.items()}


_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


def _coerce(variable: str, kind: str, value: str) -> Any:
    """A variable's text as its field's type (the field annotations are strings: `from __future__ import annotations`)."""
    try:
        if kind == "bool":
            lowered = value.strip().lower()
            if lowered in _TRUE | _FALSE:
                return lowered in _TRUE
            raise ValueError(value)
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
    except ValueError:
        raise ValueError(f"{variable}={value!r} is not a valid {kind}") from None
    return value  # str and str | None


_KINDS = {f.name: str(f.type) for f in dataclasses.fields(Settings)}


def get_settings() -> Settings:
    return _settings(tuple(_env(name) for name in _MAPPING))


@lru_cache(maxsize=8)
def _settings(raw: tuple[str | None, ...]) -> Settings:
    values = {field: _coerce(variable, _KINDS[field], value) for (variable, field), value in zip(_MAPPING.items(), raw, strict=True) if value not in (None, "")}
    return Settings(**values)


def clear_cache() -> None:
    _settings.cache_clear()


def snap_start_init() -> bool:
    """True during the init Lambda runs to take a SnapStart snapshot (netclub.aws.prime_for_snapshot)."""
    return _env("AWS_LAMBDA_INITIALIZATION_TYPE") == "snap-start"


DEMO_STAFF_TOTP_SECRET = "NETCLUBDEMOSTAFFSECRETKEY2345672"  # noqa: S105 (base32: the local stack's demo admin only, never seeded elsewhere)


def local_staff_totp_secret() -> str:
    """The second-factor secret the local stack enrols its demo admin with (`make dev` prints it; GET /_dev/logins)."""
    return _env("NETCLUB_STAFF_TOTP_SECRET", DEMO_STAFF_TOTP_SECRET) or DEMO_STAFF_TOTP_SECRET


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
