"""What both the local stack and the functional tests need: the environment and the resources."""

from __future__ import annotations

import os
from typing import Any

from local import cfn
from local.functions import Function, discover
from local.resources import ACCOUNT, create_all, physical_names

REGION = "ap-northeast-1"
PREFIX = "netclub-local"


def environment(frontend_url: str, endpoint_url: str | None) -> tuple[dict[str, Any], dict[str, str], cfn.Resolver]:
    """The template, and the environment every function gets (Globals + its own), resolved locally."""
    template = cfn.load()
    resolver = cfn.Resolver(
        template,
        physical_names(template, PREFIX),
        {"Stage": "local", "FrontendOrigin": frontend_url},
        REGION,
        ACCOUNT,
    )
    functions, _, _ = discover(template)
    env: dict[str, str] = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }
    for fn in functions.values():
        env.update({k: str(resolver.resolve(v)) for k, v in fn.environment.items()})
    env["COOKIE_SECURE"] = "false"  # plain http on 127.0.0.1
    env["POWERTOOLS_LOG_LEVEL"] = os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING")
    if endpoint_url:
        env["AWS_ENDPOINT_URL"] = endpoint_url
        env["S3_PUBLIC_ENDPOINT"] = f"{frontend_url}/_s3"  # presigned S3 URLs through the gateway's proxy
    return template, env, resolver


def apply(env: dict[str, str]) -> None:
    os.environ.update(env)
    from netclub.aws import reset_clients

    reset_clients()


def provision(template: dict[str, Any], resolver: cfn.Resolver, frontend_url: str) -> None:
    import boto3

    session = boto3.Session(region_name=REGION)
    create_all(template, resolver, session, frontend_url)


def functions_and_routes(template: dict[str, Any]) -> tuple[dict[str, Function], list[Any], dict[str, Any]]:
    return discover(template)
