"""The portal's monthly AWS bill at 1,000 / 10,000 / 30,000 members, and what SnapStart costs (issue 28).

Run: .venv/bin/python -m benchmarks.cost_model [--members 1000 10000 30000] [--yen 150] [--versions 1]

What it reads, not retypes:
- template.yaml (local/cfn.py): the functions, their MemorySize, their routes, schedules and queue mappings,
  whether a route goes through the authorizer, the alarms and their metrics, the metric filters, the WAF
  web ACL's rules, the CloudFront functions, the secrets and keys, the log retentions;
- the DynamoDB calls of every route as pinned by tests/functional/test_dynamodb_calls_per_route.py (measured on
  the wire, the authorizer's included; `python -m benchmarks.route_calls` prints them);
- the argon2id functions as tests/unit/test_template_cold_start.py names them.

What it assumes is written down once: PRICES (ap-northeast-1, with where each figure comes from and whether the
search confirmed it), PROFILE (what a member does in a month), and TIMING (milliseconds per request and per cold
start: measured ones say where, the others say they are assumptions). Prices are list prices without free tiers
and without Japan's consumption tax (10 %, billed on top).

SnapStart is priced three ways: off, only the authorizer and login, every function. With it, each function's
snapshot is cached for as long as its version is active (memory x versions x seconds of the month, 3 hours at
least), each cold start is a restore (per GB restored, plus the restore's own billed duration); without it each
cold start bills its init. Cold starts are estimated from each function's invocations: a request finds a warm
environment if the function was invoked within the last KEEP_WARM_MINUTES (a Poisson arrival over the active
hours), and each active day's first request is cold.
"""

from __future__ import annotations

import argparse
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from netclub.config import Settings

from local import cfn

MONTH_SECONDS = 730 * 3600  # AWS prices a month as 730 hours
MONTH_MINUTES = 730 * 60


@dataclass(frozen=True)
class Price:
    usd: float
    unit: str
    source: str
    as_of: str
    confirmed: str  # how the figure was checked: "search: ..." or "NOT confirmed by search: ..."


# ap-northeast-1 list prices. The search reached stored copies of AWS's pages and third-party pages; AWS's own
# pricing pages pick the region in the browser, so most stored copies show us-east-1 only. Check the figures marked
# NOT confirmed against the page named (region: Asia Pacific (Tokyo)) before quoting the bill.
PRICES: dict[str, Price] = {
    "lambda_gb_s": Price(
        0.0000166667,
        "GB-second (x86)",
        "https://aws.amazon.com/lambda/pricing/",
        "2025-10",
        "search: us-east-1 figure; Tokyo's x86 price is the same per AWS's page (not seen for Tokyo)",
    ),
    "lambda_requests": Price(
        0.20, "1M requests", "https://aws.amazon.com/lambda/pricing/", "2025-10", "search: us-east-1 figure, same in Tokyo (not seen for Tokyo)"
    ),
    "snapstart_cache": Price(
        0.0000015046,
        "GB-second cached (3 h minimum per version)",
        "https://aws.amazon.com/lambda/pricing/",
        "2025-10",
        "search: us-east-1 figure (Price List API copy); NOT confirmed for Tokyo",
    ),
    "snapstart_restore": Price(
        0.0001397998,
        "GB restored",
        "https://aws.amazon.com/lambda/pricing/",
        "2025-10",
        "search: us-east-1 figure (Price List API copy); NOT confirmed for Tokyo",
    ),
    "dynamodb_wru": Price(
        0.715,
        "1M write request units (on-demand)",
        "https://aws.amazon.com/dynamodb/pricing/on-demand/",
        "2024-11 (after the 50 % on-demand cut)",
        "NOT confirmed by search: Tokyo's pre-cut 1.4269 halved; the cut itself (Nov 2024, 50 %) confirmed",
    ),
    "dynamodb_rru": Price(
        0.1425,
        "1M read request units (on-demand)",
        "https://aws.amazon.com/dynamodb/pricing/on-demand/",
        "2024-11 (after the 50 % on-demand cut)",
        "NOT confirmed by search: Tokyo's pre-cut 0.285 halved",
    ),
    "dynamodb_storage": Price(0.285, "GB-month", "https://aws.amazon.com/dynamodb/pricing/on-demand/", "2024-11", "NOT confirmed by search"),
    "dynamodb_pitr": Price(0.228, "GB-month (continuous backups)", "https://aws.amazon.com/dynamodb/pricing/on-demand/", "2024-11", "NOT confirmed by search"),
    "apigw_rest": Price(
        4.25, "1M REST API calls (first 333M)", "https://aws.amazon.com/api-gateway/pricing/", "2025", "NOT confirmed by search (us-east-1 is 3.50)"
    ),
    "s3_storage": Price(0.025, "GB-month (Standard)", "https://aws.amazon.com/s3/pricing/", "2025", "NOT confirmed by search"),
    "s3_put": Price(0.0047, "1,000 PUT/POST/LIST", "https://aws.amazon.com/s3/pricing/", "2025", "NOT confirmed by search"),
    "s3_get": Price(0.00037, "1,000 GET", "https://aws.amazon.com/s3/pricing/", "2025", "NOT confirmed by search"),
    "ses_mail": Price(0.10, "1,000 mails", "https://aws.amazon.com/ses/pricing/", "2025", "NOT confirmed by search (the same in every region per AWS's page)"),
    "sqs_requests": Price(0.40, "1M requests (standard queue)", "https://aws.amazon.com/sqs/pricing/", "2025", "NOT confirmed by search"),
    "logs_ingest": Price(
        0.76,
        "GB ingested",
        "https://aws.amazon.com/cloudwatch/pricing/",
        "2025",
        "search: $0.76/GB in ap-northeast-1 (awsi.click, CloudWatch Logs cost structure)",
    ),
    "logs_storage": Price(
        0.033, "GB-month archived", "https://aws.amazon.com/cloudwatch/pricing/", "2025", "search: $0.033/GB-month in ap-northeast-1 (awsi.click, same page)"
    ),
    "cw_alarm_metric": Price(
        0.10,
        "standard alarm metric-month",
        "https://aws.amazon.com/cloudwatch/pricing/",
        "2025",
        "NOT confirmed by search (the free tier's 10 alarm metrics confirmed)",
    ),
    "cw_custom_metric": Price(
        0.30, "custom metric-month (first 10,000)", "https://aws.amazon.com/cloudwatch/pricing/", "2025", "search: $0.30 (signoz.io); region not stated"
    ),
    "waf_acl": Price(
        5.00,
        "web ACL-month",
        "https://aws.amazon.com/waf/pricing/",
        "2025",
        "NOT confirmed by search (the three dimensions confirmed: aws.github.io WAF cost guide)",
    ),
    "waf_rule": Price(
        1.00,
        "rule-month (a managed rule group counts as one)",
        "https://aws.amazon.com/waf/pricing/",
        "2025",
        "NOT confirmed by search (rule-group counting confirmed)",
    ),
    "waf_requests": Price(0.60, "1M requests inspected", "https://aws.amazon.com/waf/pricing/", "2025", "NOT confirmed by search"),
    "cloudfront_gb": Price(
        0.114,
        "GB out to viewers in Japan (first 10 TB)",
        "https://aws.amazon.com/cloudfront/pricing/",
        "2025-06",
        "search: $0.114/GB JP-DataTransfer-Out-Bytes (dev.classmethod.jp, CloudFront-pricing-diagram, 2025-06-18)",
    ),
    "cloudfront_https": Price(0.012, "10,000 HTTPS requests (Japan)", "https://aws.amazon.com/cloudfront/pricing/", "2025", "NOT confirmed by search"),
    "cloudfront_functions": Price(0.10, "1M CloudFront Functions invocations", "https://aws.amazon.com/cloudfront/pricing/", "2025", "NOT confirmed by search"),
    "xray_traces": Price(5.00, "1M traces recorded", "https://aws.amazon.com/xray/pricing/", "2025", "NOT confirmed by search"),
    "secret": Price(0.40, "secret-month", "https://aws.amazon.com/secrets-manager/pricing/", "2025", "NOT confirmed by search"),
    "kms_key": Price(
        1.00,
        "customer managed key-month",
        "https://aws.amazon.com/kms/pricing/",
        "2025",
        "NOT confirmed by search (template.yaml's own comment says $1 a month)",
    ),
}


@dataclass(frozen=True)
class Assumption:
    value: float
    note: str


# What a member does in a month (per member), and what staff do per member. Every figure here is an assumption of
# this model, not a measurement: change them here (or see how the bill moves with --members).
PROFILE: dict[str, Assumption] = {
    "visits": Assumption(2.0, "logins a month (a visit: login, the portal, two more screens)"),
    "logout_share": Assumption(0.3, "visits that end with ログアウト (the others let the session expire)"),
    "bookings": Assumption(0.3, "seminar / counselling applications a month (a detail, the apply, the list, the reservation)"),
    "booking_changes": Assumption(0.05, "cancellations a month"),
    "inquiries": Assumption(0.1, "inquiries a month (kinds, the form, the list), each answered once by staff"),
    "inquiry_attachment_share": Assumption(0.3, "inquiries with an attachment (~1 MB, kept AttachmentRetentionDays)"),
    "searches": Assumption(1.0, "会員企業検索 a month (industries and results; half open a company)"),
    "profile_updates": Assumption(0.1, "profile updates a month"),
    "newsletters": Assumption(4.0, "newsletters sent a month, to subscribers"),
    "subscriber_share": Assumption(0.7, "members subscribed to the newsletter"),
    "calendar_feed_share": Assumption(0.05, "members whose calendar app subscribes to their feed"),
    "calendar_polls_per_day": Assumption(4.0, "times a subscribed calendar app fetches the feed a day"),
    "new_members": Assumption(0.01, "registrations a month (request, confirm, staff approval)"),
    "password_resets": Assumption(0.02, "password resets a month"),
    "staff_views": Assumption(0.3, "staff screens a month per member (dashboard, member lists, inquiries, offerings)"),
    "other_route_requests": Assumption(20.0, "requests a month to each route no activity names (staff upkeep, rarer screens): not per member"),
    "bounce_complaint_share": Assumption(0.01, "mails that come back as a bounce or complaint (SES events function)"),
    "member_kb": Assumption(20.0, "KB of DynamoDB per member, indexes and history included"),
    "static_kb_per_visit": Assumption(250.0, "KB of front end (gzip) a visit downloads through CloudFront"),
    "static_requests_per_visit": Assumption(12.0, "front end requests a visit makes through CloudFront"),
    "api_response_kb": Assumption(4.0, "KB of an API answer through CloudFront"),
}

# Milliseconds. Measured ones say where they were measured; the rest are assumptions to replace by the REPORT lines
# of a deployed stack (docs/performance.md says how).
TIMING: dict[str, Assumption] = {
    "base_ms": Assumption(10.0, "assumption: a warm request's own work (routing, validation, the log line)"),
    "dynamodb_call_ms": Assumption(8.0, "docs/performance.md: ~8 ms an AWS call"),
    "mail_send_ms": Assumption(30.0, "assumption: an SES send and its outbox DeleteItem, in the request"),
    "argon2_ms": Assumption(62.0, "docs/performance.md: an argon2id verify at 1769 MB (one vCPU)"),
    "init_ms": Assumption(
        275.0, "docs/performance.md: init median 275 ms CPU over 69 functions on one core of this machine (Lambda's wall time: REPORT Init Duration)"
    ),
    "restore_ms": Assumption(200.0, "assumption: not measurable here (REPORT Restore Duration); AWS publishes none for Python"),
}

ACTIVE_DAYS = 22.0  # weekdays a month members use the portal
ACTIVE_MINUTES = ACTIVE_DAYS * 10 * 60  # 08:00-18:00 JST
KEEP_WARM_MINUTES = 10.0  # how long Lambda keeps an idle environment: not published by AWS, an assumption
NEWSLETTER_RECIPIENTS_PER_MESSAGE = 50  # template.yaml: NewsletterMapping's comment, 2 messages = 100 recipients
NEWSLETTER_DYNAMODB_CALLS_PER_MAIL = 2  # assumption: the conditional record before the send and its completion
LOG_BYTES_PER_INVOCATION = 1400  # assumption: START/END/REPORT (~400 B) and two Powertools JSON lines (~500 B each)
ACCESS_LOG_BYTES = 420  # ApiAccessLogGroup's JSON line
LOG_COMPRESSION = 0.15  # assumption: archived logs are billed compressed
SQS_IDLE_REQUESTS_PER_MAPPING = 5 * 3 * MONTH_MINUTES  # assumption: Lambda's 5 pollers, a 20 s long poll each
TRANSACTIONAL_WRITE_WRU = 4  # assumption: a write call is a transaction of two items up to 1 KB
READ_RRU = 2  # assumption: a read call reads up to 8 KB strongly consistent (or a BatchGetItem of two items)

SNAPSTART_OPTIONS: dict[str, tuple[str, ...] | None] = {
    "off": (),
    "authorizer+login": ("AuthAuthorizerFunction", "AuthLoginFunction"),
    "all": None,  # every function
}
DEFAULT_SNAPSTART = "off"  # template.yaml's Globals SnapStart ApplyOn (None); see docs/performance.md "Cost and SnapStart"


# ---------------------------------------------------------------- the template
@dataclass
class Function:
    name: str
    memory_mb: int
    routes: list[tuple[str, str, bool]] = field(default_factory=list)  # (method, path, through the authorizer)
    scheduled_per_month: float = 0.0


@dataclass
class Stack:
    functions: dict[str, Function]
    alarm_metrics: int
    alarms: int
    custom_metrics: int
    waf_acls: int
    waf_rules: int
    cloudfront_functions: int
    secrets: int
    kms_keys: int
    sqs_mappings: int
    log_retention_days: float
    access_log_retention_days: float
    newsletter_send_rate: float = 10.0  # the newsletter worker's NEWSLETTER_SEND_RATE (sends a second)

    def route_function(self) -> dict[tuple[str, str], tuple[str, bool]]:
        return {(m, p): (f.name, auth) for f in self.functions.values() for m, p, auth in f.routes}


def per_month(schedule: str) -> float:
    """Invocations a month of an EventBridge schedule expression."""
    rate = re.fullmatch(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)", schedule)
    if rate:
        minutes = int(rate.group(1)) * {"minute": 1, "hour": 60, "day": 1440}[rate.group(2).rstrip("s")]
        return MONTH_MINUTES / minutes
    cron = re.fullmatch(r"cron\((\d+) (\d+) \* \* \? \*\)", schedule)
    if cron:
        return MONTH_MINUTES / 1440  # once a day
    raise ValueError(f"schedule not understood: {schedule}")


def read_stack(template: Mapping[str, Any] | None = None) -> Stack:
    t = template or cfn.load()
    defaults = t["Globals"]["Function"]
    resources = t["Resources"]
    functions: dict[str, Function] = {}
    for name, res in cfn.resources_of_type(dict(t), "AWS::Serverless::Function").items():
        props = res["Properties"]
        fn = Function(name, int(props.get("MemorySize", defaults["MemorySize"])))
        for event in (props.get("Events") or {}).values():
            ep = event.get("Properties") or {}
            if event["Type"] == "Api":
                through_authorizer = (ep.get("Auth") or {}).get("Authorizer") != "NONE"
                fn.routes.append((str(ep["Method"]).upper(), str(ep["Path"]), through_authorizer))
            elif event["Type"] == "Schedule":
                fn.scheduled_per_month += per_month(str(ep["Schedule"]))
        functions[name] = fn
    alarms = cfn.resources_of_type(dict(t), "AWS::CloudWatch::Alarm")
    alarm_metrics = sum(len([m for m in a["Properties"]["Metrics"] if "MetricStat" in m]) if "Metrics" in a["Properties"] else 1 for a in alarms.values())
    filters = cfn.resources_of_type(dict(t), "AWS::Logs::MetricFilter")
    acls = cfn.resources_of_type(dict(t), "AWS::WAFv2::WebACL")
    mappings = cfn.resources_of_type(dict(t), "AWS::Lambda::EventSourceMapping").values()

    def source(mapping: Mapping[str, Any]) -> str:
        arn = mapping["Properties"]["EventSourceArn"]
        target = arn.get("Fn::GetAtt", [""])[0] if isinstance(arn, dict) else ""
        return str(resources.get(target, {}).get("Type", ""))

    params = t["Parameters"]
    worker = resources.get("NewsletterWorkerFunction", {}).get("Properties", {})
    send_rate = (worker.get("Environment") or {}).get("Variables", {}).get("NEWSLETTER_SEND_RATE", Settings().newsletter_send_rate)
    return Stack(
        newsletter_send_rate=float(send_rate),
        functions=functions,
        alarm_metrics=alarm_metrics,
        alarms=len(alarms),
        custom_metrics=sum(len(f["Properties"]["MetricTransformations"]) for f in filters.values()),
        waf_acls=len(acls),
        waf_rules=sum(len(a["Properties"].get("Rules") or []) for a in acls.values()),
        cloudfront_functions=len(cfn.resources_of_type(dict(t), "AWS::CloudFront::Function")),
        secrets=len(cfn.resources_of_type(dict(t), "AWS::SecretsManager::Secret")),
        kms_keys=len(cfn.resources_of_type(dict(t), "AWS::KMS::Key")),
        sqs_mappings=sum(1 for m in mappings if source(m) == "AWS::SQS::Queue"),
        log_retention_days=float(params["LogRetentionDays"]["Default"]),
        access_log_retention_days=float(params["AccessLogRetentionDays"]["Default"]),
    )


def pinned_calls() -> dict[tuple[str, str], int]:
    """The DynamoDB calls per route (the authorizer's included), as the functional test pins them."""
    from tests.functional.test_dynamodb_calls_per_route import CALLS

    return {(route[0], route[1]): n for route, n in CALLS.items() if len(route) == 2}


def argon2_functions() -> set[str]:
    from tests.unit.test_template_cold_start import ARGON2

    return set(ARGON2)


# ---------------------------------------------------------------- what members do, as requests
R = tuple[str, str, float, int]  # method, path, requests per unit of the activity, mails sent by each


def activities() -> dict[str, list[R]]:
    """Each activity of PROFILE as the API requests the front end makes for it (screens: docs/performance.md's
    Lighthouse table) and the mails each request sends."""
    return {
        "visits": [
            ("POST", "/api/auth/login", 1, 0),
            ("GET", "/api/me", 1, 0),
            ("GET", "/api/notices", 1, 0),
            ("GET", "/api/events", 1, 0),
            ("GET", "/api/offerings", 1, 0),
        ],
        "logout_share": [("POST", "/api/auth/logout", 1, 0)],
        "bookings": [
            ("GET", "/api/offerings/{offering_id}", 1, 0),
            ("POST", "/api/reservations", 1, 1),
            ("GET", "/api/reservations", 1, 0),
            ("GET", "/api/reservations/{reservation_id}", 1, 0),
        ],
        "booking_changes": [("DELETE", "/api/reservations/{reservation_id}", 1, 1)],
        "inquiries": [
            ("GET", "/api/inquiry-kinds", 1, 0),
            ("POST", "/api/inquiries", 1, 1),
            ("GET", "/api/inquiries", 1, 0),
            ("GET", "/api/admin/inquiries", 1, 0),
            ("GET", "/api/admin/inquiries/{inquiry_id}", 1, 0),
            ("POST", "/api/admin/inquiries/{inquiry_id}/reply", 1, 1),
        ],
        "inquiry_attachment_share": [("POST", "/api/attachments", 1, 0)],
        "searches": [("GET", "/api/directory", 1, 0), ("GET", "/api/industries", 1, 0), ("GET", "/api/directory/{company_id}", 0.5, 0)],
        "profile_updates": [("GET", "/api/profile", 1, 0), ("GET", "/api/industries", 1, 0), ("PUT", "/api/profile", 1, 0)],
        "new_members": [
            ("POST", "/api/registrations", 1, 1),
            ("POST", "/api/registrations/confirm", 1, 0),
            ("GET", "/api/admin/members", 1, 0),
            ("POST", "/api/admin/members/{member_id}/approve", 1, 1),
        ],
        "password_resets": [("POST", "/api/password-reset", 1, 1), ("POST", "/api/password-reset/confirm", 1, 0)],
        "staff_views": [
            ("GET", "/api/admin/dashboard", 0.3, 0),
            ("GET", "/api/admin/members", 0.2, 0),
            ("GET", "/api/admin/members/{member_id}", 0.2, 0),
            ("GET", "/api/admin/offerings", 0.15, 0),
            ("GET", "/api/admin/offerings/{offering_id}/reservations", 0.15, 0),
        ],
    }


# ---------------------------------------------------------------- the bill
@dataclass
class Usage:
    """A month at one number of members: per function invocations and billed milliseconds, and the rest."""

    members: int
    invocations: dict[str, float]
    busy_minutes: dict[str, float]  # the minutes over which each function's invocations are spread
    work_ms: dict[str, float]  # billed milliseconds of warm work, per function
    api_requests: float
    read_calls: float
    write_calls: float
    mails: float
    newsletter_messages: float
    attachments: float
    visits: float


def usage(members: int, stack: Stack, calls: Mapping[tuple[str, str], int], argon2: set[str]) -> Usage:
    routes = stack.route_function()
    inv: dict[str, float] = defaultdict(float)
    work: dict[str, float] = defaultdict(float)
    busy: dict[str, float] = {}
    t = {k: a.value for k, a in TIMING.items()}
    api = reads = writes = mails = 0.0

    def request(method: str, path: str, n: float, mails_each: int) -> None:
        nonlocal api, reads, writes, mails
        fn, through_authorizer = routes[(method, path)]
        total = calls[(method, path)]
        own = total - (1 if through_authorizer else 0)
        api += n
        mails += n * mails_each
        if through_authorizer:
            inv["AuthAuthorizerFunction"] += n
            work["AuthAuthorizerFunction"] += n * (t["base_ms"] + t["dynamodb_call_ms"])
            reads += n
        if method == "GET":
            reads += n * own
        else:
            reads += n * own / 2
            writes += n * own / 2
        inv[fn] += n
        work[fn] += n * (t["base_ms"] + own * t["dynamodb_call_ms"] + mails_each * t["mail_send_ms"] + (t["argon2_ms"] if fn in argon2 else 0))

    p = {k: a.value for k, a in PROFILE.items()}
    acts = activities()
    share_of = {"logout_share": "visits", "inquiry_attachment_share": "inquiries"}  # shares of another activity
    for name, reqs in acts.items():
        per_member = p[name] * (p[share_of[name]] if name in share_of else 1)
        for method, path, n, mails_each in reqs:
            request(method, path, members * per_member * n, mails_each)
    named = {(m, path) for reqs in acts.values() for m, path, _, _ in reqs} | {("GET", "/api/calendar/{feed}")}
    for method, path in sorted(set(routes) - named):
        request(method, path, p["other_route_requests"], 0)
    feed_polls = members * p["calendar_feed_share"] * p["calendar_polls_per_day"] * MONTH_MINUTES / 1440
    request("GET", "/api/calendar/{feed}", feed_polls, 0)
    busy[routes[("GET", "/api/calendar/{feed}")][0]] = MONTH_MINUTES  # calendar apps poll day and night
    # 前日リマインド: one mail per booking (the RemindersFunction's schedule is counted below)
    mails += members * p["bookings"]
    # the newsletter: queued by newsletter-dispatch, sent by the worker (2 messages of 50 an invocation)
    newsletter_mails = members * p["newsletters"] * p["subscriber_share"]
    messages = newsletter_mails / NEWSLETTER_RECIPIENTS_PER_MESSAGE
    mails += newsletter_mails
    writes += newsletter_mails * NEWSLETTER_DYNAMODB_CALLS_PER_MAIL
    inv["NewsletterWorkerFunction"] += messages / 2
    # the worker paces its sends (NEWSLETTER_SEND_RATE a second, as the template sets it, else the setting's
    # default): a mail is billed at least 1/rate seconds
    paced_ms = 1000.0 / stack.newsletter_send_rate
    per_mail_ms = max(paced_ms, t["mail_send_ms"] + NEWSLETTER_DYNAMODB_CALLS_PER_MAIL * t["dynamodb_call_ms"])
    work["NewsletterWorkerFunction"] += newsletter_mails * per_mail_ms
    busy["NewsletterWorkerFunction"] = MONTH_MINUTES
    events = mails * p["bounce_complaint_share"]
    inv["SesEventsFunction"] += events
    work["SesEventsFunction"] += events * (t["base_ms"] + 2 * t["dynamodb_call_ms"])
    busy["SesEventsFunction"] = MONTH_MINUTES
    for fn in stack.functions.values():
        if fn.scheduled_per_month:  # a schedule's run: assumed one Query and its base work
            inv[fn.name] += fn.scheduled_per_month
            work[fn.name] += fn.scheduled_per_month * (t["base_ms"] + t["dynamodb_call_ms"])
            reads += fn.scheduled_per_month
            busy[fn.name] = MONTH_MINUTES
    return Usage(
        members=members,
        invocations=dict(inv),
        busy_minutes={fn: busy.get(fn, ACTIVE_MINUTES) for fn in inv},
        work_ms=dict(work),
        api_requests=api,
        read_calls=reads,
        write_calls=writes,
        mails=mails,
        newsletter_messages=messages,
        attachments=members * p["inquiries"] * p["inquiry_attachment_share"],
        visits=members * p["visits"],
    )


def cold_starts(invocations: float, minutes: float) -> float:
    """Invocations that find no warm environment: Poisson arrivals over `minutes`, an environment kept
    KEEP_WARM_MINUTES after its last request, and at least each active day's first request."""
    if invocations <= 0:
        return 0.0
    rate = invocations / minutes
    days = minutes / (24 * 60) if minutes >= MONTH_MINUTES else ACTIVE_DAYS
    return max(invocations * math.exp(-rate * KEEP_WARM_MINUTES), min(invocations, days))


@dataclass
class Bill:
    lines: dict[str, float]  # service -> USD a month
    cold_starts: float  # a month, over every function
    member_cold_starts: float  # of those, on a request's path (the API's functions and the authorizer): someone waits
    snapstart_cold_starts: float  # of those, on functions under SnapStart (restores)
    snapstart_member_cold_starts: float  # restores on a request's path
    snapstart_gb: float  # configured memory under SnapStart, GB

    @property
    def total(self) -> float:
        return sum(self.lines.values())


def snapstart_functions(option: str, stack: Stack) -> set[str]:
    chosen = SNAPSTART_OPTIONS[option]
    return set(stack.functions) if chosen is None else set(chosen)


def snapstart_cache_usd(memory_mb: Iterable[int], versions: float, seconds: float = MONTH_SECONDS) -> float:
    """The snapshot cache: configured memory x active versions x seconds cached (3 hours at least a version)."""
    return sum(mb / 1024 * versions * max(seconds, 3 * 3600) for mb in memory_mb) * PRICES["snapstart_cache"].usd


def bill(u: Usage, stack: Stack, snapstart: str, versions: float = 1.0) -> Bill:
    pr = {k: v.usd for k, v in PRICES.items()}
    p = {k: a.value for k, a in PROFILE.items()}
    t = {k: a.value for k, a in TIMING.items()}
    snapped = snapstart_functions(snapstart, stack)
    gb_s = 0.0
    cold_total = member_cold = restores = member_restores = restored_gb = 0.0
    for fn, n in u.invocations.items():
        gb = stack.functions[fn].memory_mb / 1024
        gb_s += u.work_ms[fn] / 1000 * gb
        cold = cold_starts(n, u.busy_minutes[fn])
        on_path = bool(stack.functions[fn].routes) or fn == "AuthAuthorizerFunction"
        cold_total += cold
        member_cold += cold if on_path else 0
        if fn in snapped:
            restores += cold
            member_restores += cold if on_path else 0
            restored_gb += cold * gb
            gb_s += cold * t["restore_ms"] / 1000 * gb
        else:
            # INIT is billed for on-demand ZIP functions on managed runtimes since 2025-08-01 (AWS Compute Blog,
            # "AWS Lambda standardizes billing for INIT Phase"; confirmed by the search)
            gb_s += cold * t["init_ms"] / 1000 * gb
    invocations = sum(u.invocations.values())
    lines: dict[str, float] = {}
    lines["Lambda requests"] = invocations / 1e6 * pr["lambda_requests"]
    lines["Lambda duration (GB-s)"] = gb_s * pr["lambda_gb_s"]
    lines["SnapStart cache"] = snapstart_cache_usd((stack.functions[f].memory_mb for f in snapped), versions)
    lines["SnapStart restore"] = restored_gb * pr["snapstart_restore"]
    lines["API Gateway (REST)"] = u.api_requests / 1e6 * pr["apigw_rest"]
    rru = u.read_calls * READ_RRU
    wru = u.write_calls * TRANSACTIONAL_WRITE_WRU
    storage_gb = u.members * p["member_kb"] / 1024 / 1024
    lines["DynamoDB requests"] = rru / 1e6 * pr["dynamodb_rru"] + wru / 1e6 * pr["dynamodb_wru"]
    lines["DynamoDB storage + PITR"] = storage_gb * (pr["dynamodb_storage"] + pr["dynamodb_pitr"])
    attachments_gb = u.attachments * 1 / 1024 * (180 / 30.4)  # ~1 MB each, kept ~6 months
    lines["S3"] = attachments_gb * pr["s3_storage"] + u.attachments * 2 / 1000 * pr["s3_put"] + (u.attachments + invocations * 0.01) / 1000 * pr["s3_get"]
    lines["SES"] = u.mails / 1000 * pr["ses_mail"]
    sqs = stack.sqs_mappings * SQS_IDLE_REQUESTS_PER_MAPPING + u.newsletter_messages * 3
    lines["SQS"] = sqs / 1e6 * pr["sqs_requests"]
    log_gb = (invocations * LOG_BYTES_PER_INVOCATION + u.api_requests * ACCESS_LOG_BYTES) / 1e9
    stored_gb = log_gb * LOG_COMPRESSION * max(stack.log_retention_days, stack.access_log_retention_days) / 30.4
    lines["CloudWatch Logs"] = log_gb * pr["logs_ingest"] + stored_gb * pr["logs_storage"]
    lines["CloudWatch alarms + metrics"] = stack.alarm_metrics * pr["cw_alarm_metric"] + stack.custom_metrics * pr["cw_custom_metric"]
    lines["WAF"] = stack.waf_acls * pr["waf_acl"] + stack.waf_rules * pr["waf_rule"] + u.api_requests / 1e6 * pr["waf_requests"]
    static = u.visits * p["static_requests_per_visit"]
    cf_gb = (u.visits * p["static_kb_per_visit"] + u.api_requests * p["api_response_kb"]) / 1024 / 1024
    lines["CloudFront"] = (
        cf_gb * pr["cloudfront_gb"] + (static + u.api_requests) / 10_000 * pr["cloudfront_https"] + (static + u.api_requests) / 1e6 * pr["cloudfront_functions"]
    )
    lines["X-Ray"] = invocations / 1e6 * pr["xray_traces"]
    lines["Secrets Manager + KMS"] = stack.secrets * pr["secret"] + stack.kms_keys * pr["kms_key"]
    return Bill(lines, cold_total, member_cold, restores, member_restores, sum(stack.functions[f].memory_mb for f in snapped) / 1024)


# ---------------------------------------------------------------- printing
def _money(usd: float, yen: float) -> str:
    return f"${usd:,.2f} / ¥{usd * yen:,.0f}"


def spared_ms() -> tuple[float, float]:
    """What a restore spares a cold start: init - restore, with init as measured on a full core, and as it would be at
    a 512 MB function's CPU share (0.29 vCPU) if Lambda gives init no more than that (community measurements say init
    runs unthrottled, bitesizedserverless.com "When is the Lambda Init Phase Free": then the low figure holds)."""
    init, restore = TIMING["init_ms"].value, TIMING["restore_ms"].value
    return max(init - restore, 0.0), max(init / (512 / 1769) - restore, 0.0)


def _spared_minutes(cold: float) -> str:
    low, high = spared_ms()
    return f"{cold * low / 60_000:,.0f}-{cold * high / 60_000:,.0f} min"


def report(members: list[int], yen: float, versions: float) -> str:
    stack = read_stack()
    calls = pinned_calls()
    argon2 = argon2_functions()
    out: list[str] = []
    total_gb = sum(f.memory_mb for f in stack.functions.values()) / 1024
    out.append(
        f"template.yaml: {len(stack.functions)} functions, {total_gb:,.1f} GB configured memory; {stack.alarms} alarms "
        f"({stack.alarm_metrics} alarm metrics), {stack.custom_metrics} metric-filter metrics, {stack.waf_acls} web ACL with "
        f"{stack.waf_rules} rules, {stack.cloudfront_functions} CloudFront functions (one runs on each request), {stack.sqs_mappings} SQS "
        f"mappings; DynamoDB calls: {len(calls)} routes pinned"
    )
    out.append(f"USD 1 = ¥{yen:g} (--yen); list prices, no free tier, no consumption tax; SnapStart versions active per function: {versions:g}")
    options = list(SNAPSTART_OPTIONS)
    for m in members:
        u = usage(m, stack, calls, argon2)
        bills = {o: bill(u, stack, o, versions) for o in options}
        out.append("")
        out.append(
            f"== {m:,} members: {u.api_requests:,.0f} API requests, {sum(u.invocations.values()):,.0f} invocations, "
            f"{u.read_calls + u.write_calls:,.0f} DynamoDB calls, {u.mails:,.0f} mails a month"
        )
        w = max(len(k) for k in bills["off"].lines)
        out.append(f"{'service':<{w}} " + " ".join(f"{'SnapStart ' + o:>24}" for o in options))
        for line in bills["off"].lines:
            out.append(f"{line:<{w}} " + " ".join(f"{'$' + format(bills[o].lines[line], ',.2f'):>24}" for o in options))
        out.append(f"{'total USD':<{w}} " + " ".join(f"{'$' + format(bills[o].total, ',.2f'):>24}" for o in options))
        out.append(f"{'total JPY':<{w}} " + " ".join(f"{'¥' + format(bills[o].total * yen, ',.0f'):>24}" for o in options))
        off = bills["off"]
        out.append(f"cold starts a month: {off.cold_starts:,.0f}, of which {off.member_cold_starts:,.0f} on a request's path (API functions, authorizer)")
        for o in options[1:]:
            b = bills[o]
            extra = b.total - off.total
            each = extra / b.snapstart_member_cold_starts if b.snapstart_member_cold_starts else float("inf")
            out.append(
                f"SnapStart {o}: {b.snapstart_gb:,.1f} GB cached, +{_money(extra, yen)} a month ({extra / off.total:+.0%} of the bill) for "
                f"{b.snapstart_member_cold_starts:,.0f} restores on a request's path ({b.snapstart_cold_starts:,.0f} in all): "
                f"{_money(each, yen)} per request spared an init, {_spared_minutes(b.snapstart_member_cold_starts)} of waiting spared a month"
            )
    low, high = spared_ms()
    out.append("")
    out.append(
        f"A restore spares a cold start init - restore: {low:.0f} ms with init as measured on one core, {high:.0f} ms if a 512 MB "
        f"function's init runs at its 0.29 vCPU share (init {TIMING['init_ms'].value:g} ms, restore {TIMING['restore_ms'].value:g} ms "
        "assumed): measure Init Duration and Restore Duration on AWS (docs/performance.md)."
    )
    out.append(
        f"Default: SnapStart {DEFAULT_SNAPSTART} (template.yaml Globals SnapStart ApplyOn: None): on every function its cache is several times "
        "the rest of the bill at every scale; on the authorizer and login it adds a large share of a small bill for the few cold "
        "starts left where they are busy (above). Turn it on (ApplyOn: PublishedVersions in Globals, or in one function's function.yaml) if the REPORT lines show "
        "restores sparing far more than this."
    )
    return "\n".join(out)


def assumptions() -> str:
    rows = ["prices (ap-northeast-1):"]
    rows += [f"  {k:<20} ${v.usd:<13g} per {v.unit}; {v.source} (as of {v.as_of}); {v.confirmed}" for k, v in PRICES.items()]
    rows.append("profile (per member a month):")
    rows += [f"  {k:<26} {a.value:<6g} {a.note}" for k, a in PROFILE.items()]
    rows.append("timing:")
    rows += [f"  {k:<16} {a.value:<6g} {a.note}" for k, a in TIMING.items()]
    rows.append(f"  active {ACTIVE_DAYS:g} days x 10 h a month; an idle environment kept {KEEP_WARM_MINUTES:g} min (assumption)")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, nargs="+", default=[1_000, 10_000, 30_000])
    parser.add_argument("--yen", type=float, default=150.0, help="JPY per USD (default 150)")
    parser.add_argument("--versions", type=float, default=1.0, help="published versions active per function (SnapStart caches each)")
    parser.add_argument("--assumptions", action="store_true", help="print the price table and the profile first")
    args = parser.parse_args(argv)
    if args.assumptions:
        print(assumptions())
        print()
    print(report(args.members, args.yen, args.versions))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
