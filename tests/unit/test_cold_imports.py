"""What a function imports at cold start (issue 14): each one only what its use case needs.

Each check runs in a fresh interpreter (the dev venv, the layer's sources and the function's folder
on the path, as on Lambda) and lists the modules its import left in sys.modules.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYER = ROOT / "layers" / "common"

PROBE = """
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import app
print(json.dumps(sorted(sys.modules)))
"""


def imported_by(function: str) -> set[str]:
    env = {"AWS_REGION": "ap-northeast-1", "TABLE_NAME": "t", "POWERTOOLS_SERVICE_NAME": "netclub", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", PROBE, str(ROOT / "functions" / function), str(LAYER)], capture_output=True, text=True, env=env, check=True)
    return set(json.loads(done.stdout))


def under(modules: set[str], package: str) -> set[str]:
    return {m for m in modules if m == package or m.startswith(package + ".")}


def test_the_authorizer_imports_no_resolver_and_no_pydantic() -> None:
    """It runs before every authenticated request and resolves no route."""
    modules = imported_by("auth_authorizer")
    assert not under(modules, "aws_lambda_powertools.event_handler")
    assert not under(modules, "pydantic")
    assert not under(modules, "netclub.api")
    assert not under(modules, "netclub.models")
    assert "aws_lambda_powertools.logging" in modules  # the logger with correlation ids stays


@pytest.mark.parametrize("function", ["me_get", "inquiry_kinds_list", "auth_authorizer", "notices_list"])
def test_no_mail_argon2_or_idempotency_where_the_use_case_has_none(function: str) -> None:
    modules = imported_by(function)
    for package in ("argon2", "netclub.mail.sender", "netclub.mail.templates", "netclub.idempotency", "aws_lambda_powertools.utilities.idempotency", "regex"):
        assert not under(modules, package), f"{function} imports {package}"


@pytest.mark.parametrize("function", ["newsletter_worker", "reminders", "mail_retry", "ses_events", "directory_index", "newsletter_dispatch"])
def test_handlers_without_routes_import_no_resolver(function: str) -> None:
    modules = imported_by(function)
    assert not under(modules, "aws_lambda_powertools.event_handler"), function
    assert not under(modules, "netclub.api"), function


@pytest.mark.parametrize("function", ["calendar_feed", "reservations_calendar", "events_list"])
def test_calendars_are_written_without_icalendar(function: str) -> None:
    """netclub.ical writes them (icalendar is the tests' reference only, not in the layer)."""
    assert not under(imported_by(function), "icalendar")


@pytest.mark.parametrize("function", ["me_get", "auth_login", "directory_search", "profile_update", "admin_exports"])
def test_http_functions_route_without_powertools_event_handler(function: str) -> None:
    """netclub.http routes and validates; Powertools' event_handler package (every resolver it has,
    AppSync with asyncio, the OpenAPI machinery) stays off the cold path: it makes only the document."""
    modules = imported_by(function)
    assert "netclub.http" in modules
    assert not under(modules, "aws_lambda_powertools.event_handler"), function
    assert not under(modules, "netclub.openapi_document"), function


@pytest.mark.parametrize(
    "function",
    [
        "auth_authorizer",
        "me_get",
        "profile_get",
        "directory_search",
        "directory_index",
        "offerings_list",
        "reservations_list",
        "reservations_create",
        "usage_history",
    ],
)
def test_botocore_without_the_boto3_package(function: str) -> None:
    """Clients come from one botocore session (netclub.aws) and items are (de)serialised by
    netclub.store.attribute_values: the boto3 package (its session, resources and s3transfer) is
    loaded only by Powertools Idempotency, in the use cases that run it (inquiries, 商談 contact)."""
    modules = imported_by(function)
    assert not under(modules, "boto3"), function
    assert not under(modules, "s3transfer"), function
    assert not under(modules, "netclub.idempotency"), function


@pytest.mark.parametrize("function", ["profile_get", "registration_confirm", "admin_members_get"])
def test_reading_or_validating_a_profile_loads_no_directory_or_newsletter_service(function: str) -> None:
    """Only profile writes list the company in the directory and index its newsletter subscriptions."""
    modules = imported_by(function)
    for package in ("netclub.services.directory", "netclub.services.directory_index", "netclub.services.newsletters"):
        assert not under(modules, package), f"{function} imports {package}"
