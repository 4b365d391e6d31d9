"""What both the local stack and the functional tests need: the environment and the resources."""

from __future__ import annotations

import os
import secrets
from typing import Any

from local import cfn
from local.functions import Function, discover
from local.resources import ACCOUNT, create_all, physical_names

__all__ = ["ACCOUNT", "REGION", "apply", "environment", "functions_and_routes", "provision"]

REGION = "ap-northeast-1"
PREFIX = "netclub-local"


def environment(frontend_url: str, endpoint_url: str | None) -> tuple[dict[str, Any], dict[str, str], cfn.Resolver]:
    """The template, the process environment (tools such as the seed, which run outside any
    function, see every function's variables) and the resolver for the local physical names."""
    template = cfn.load()
    resolver = cfn.Resolver(
        template,
        physical_names(template, PREFIX),
        {"Stage": "local", "FrontendOrigin": frontend_url},
        REGION,
        ACCOUNT,
    )
    functions, _, _ = discover(template)
    env = runtime_environment()
    for fn in functions.values():
        env.update(function_environment(fn, resolver))
    env.update(local_overrides(frontend_url, endpoint_url))
    return template, env, resolver


def runtime_environment() -> dict[str, str]:
    """What the Lambda runtime gives every function (credentials, region), not the template."""
    return {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }


# What CloudFront adds as X-Origin-Verify (template.yaml: OriginVerifySecret); locally the gateway plays
# CloudFront and adds it with the viewer's address (local/gateway.py), one secret per start.
ORIGIN_VERIFY_SECRET = secrets.token_urlsafe(24)
# The key of the calendar feed URLs (template.yaml: CalendarFeedSecret): one per start, as the data is.
CALENDAR_FEED_SECRET = secrets.token_urlsafe(32)


def local_overrides(frontend_url: str, endpoint_url: str | None, declared: dict[str, str] | None = None) -> dict[str, str]:
    """What the local stack changes: plain http, quiet logs and the local origin secret (only where
    the function declares them), and moto's endpoint (the one variable Lambda has no counterpart for)."""
    env = {
        "COOKIE_SECURE": "false",
        "POWERTOOLS_LOG_LEVEL": os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING"),
        "ORIGIN_VERIFY_SECRET": ORIGIN_VERIFY_SECRET,
        "CALENDAR_FEED_SECRET": CALENDAR_FEED_SECRET,
    }
    if declared is not None:
        env = {k: v for k, v in env.items() if k in declared}
    if endpoint_url:
        env["AWS_ENDPOINT_URL"] = endpoint_url
        env["S3_PUBLIC_ENDPOINT"] = f"{frontend_url}/_s3"  # presigned S3 URLs through the gateway's proxy
    return env


def function_environment(fn: Function, resolver: cfn.Resolver) -> dict[str, str]:
    """Globals + the function's own Environment, resolved for the local names."""
    return {k: str(resolver.resolve(v)) for k, v in fn.environment.items()}


def bind_environments(functions: dict[str, Function], resolver: cfn.Resolver, frontend_url: str, endpoint_url: str | None, **extra: str) -> None:
    """Give each function exactly what Lambda would: the runtime's variables, its template
    environment, the local overrides (and `extra`, for tests)."""
    from local import isolation

    isolation.install()
    for fn in functions.values():
        own = function_environment(fn, resolver)
        fn.own_environment = {
            **runtime_environment(),
            "AWS_LAMBDA_FUNCTION_NAME": fn.logical_id,
            **own,
            **local_overrides(frontend_url, endpoint_url, own),
            **extra,
        }


def apply(env: dict[str, str]) -> None:
    os.environ.update(env)
    from netclub.aws import reset_clients

    reset_clients()


def provision(template: dict[str, Any], resolver: cfn.Resolver, frontend_url: str) -> None:
    import boto3

    from local import moto_patches

    moto_patches.install()

    global _SESSION
    if _SESSION is None:  # one session and its clients: the models are read once, not at every test's provisioning
        _SESSION = _Clients(boto3.Session(region_name=REGION))
    create_all(template, resolver, _SESSION, frontend_url)


class _Clients:
    """A boto3 session whose clients are made once (what create_all asks of a session)."""

    def __init__(self, session: Any) -> None:
        self._session = session
        self._made: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        if service not in self._made:
            self._made[service] = self._session.client(service)
        return self._made[service]


_SESSION: _Clients | None = None


def functions_and_routes(
    template: dict[str, Any], resolver: cfn.Resolver, frontend_url: str, endpoint_url: str | None, **extra: str
) -> tuple[dict[str, Function], list[Any], dict[str, Any]]:
    """The template's functions (each bound to its own environment), routes and Api properties."""
    functions, routes, api_props = discover(template)
    bind_environments(functions, resolver, frontend_url, endpoint_url, **extra)
    return functions, routes, api_props
