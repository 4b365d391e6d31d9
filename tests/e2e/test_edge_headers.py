"""The local stack answers with exactly the headers CloudFront's response headers policies add on AWS.

The policies in template.yaml are the one source of truth: the front end's answers carry
FrontendHeadersPolicy's values (the CSP the browser suite runs under), the API's ApiHeadersPolicy's.
"""

from __future__ import annotations

import re

import pytest

from local import cfn
from local.resources import physical_names
from local.stack import ACCOUNT, PREFIX, REGION
from tests.stackutil import HttpAnswer, LocalStack

TEMPLATE = cfn.load()


def expected(name: str) -> dict[str, str]:
    """The policy's headers as CloudFront writes them, each field read from the template here."""
    config = TEMPLATE["Resources"][name]["Properties"]["ResponseHeadersPolicyConfig"]
    sec = config["SecurityHeadersConfig"]
    csp = sec["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    if isinstance(csp, dict):  # !Sub: the attachments bucket's names, as the local stack names the bucket
        bucket = physical_names(TEMPLATE, PREFIX)["AttachmentsBucket"]
        names = {"AttachmentsBucket.DomainName": f"{bucket}.s3.amazonaws.com", "AttachmentsBucket.RegionalDomainName": f"{bucket}.s3.{REGION}.amazonaws.com"}
        csp = re.sub(r"\$\{([^}]+)\}", lambda m: names[m.group(1)], csp["Fn::Sub"])
    hsts = sec["StrictTransportSecurity"]
    headers = {
        "Content-Security-Policy": csp,
        "Strict-Transport-Security": f"max-age={hsts['AccessControlMaxAgeSec']}" + ("; includeSubDomains" if hsts["IncludeSubdomains"] else ""),
        "X-Frame-Options": sec["FrameOptions"]["FrameOption"],
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": sec["ReferrerPolicy"]["ReferrerPolicy"],
    }
    for item in (config.get("CustomHeadersConfig") or {}).get("Items", []):
        headers[item["Header"]] = item["Value"]
    return headers


def of(answer: HttpAnswer, names: list[str]) -> dict[str, str]:
    lower = {k.lower(): v for k, v in answer.headers.items()}
    return {name: lower.get(name.lower(), "") for name in names}


def test_the_expectation_agrees_with_the_local_resolver(local_stack: LocalStack) -> None:
    """cfn.edge_headers (what the gateway sends) and this file's reading of the template are the same."""
    resolver = cfn.Resolver(TEMPLATE, physical_names(TEMPLATE, PREFIX), {"Stage": "local", "FrontendOrigin": local_stack.url}, REGION, ACCOUNT)
    assert cfn.edge_headers(TEMPLATE, resolver) == {
        "*": expected("FrontendHeadersPolicy"),
        "/api/*": expected("ApiHeadersPolicy"),
    }


@pytest.mark.parametrize("path", ["/", "/login", "/portal", "/events", "/no/such/screen", "/index.html"])
def test_front_end_answers_carry_the_template_headers(local_stack: LocalStack, path: str) -> None:
    want = expected("FrontendHeadersPolicy")
    answer = local_stack.client().get(path)
    assert answer.status == 200
    assert of(answer, list(want)) == want


def test_front_end_assets_carry_them_too(local_stack: LocalStack) -> None:
    index = local_stack.client().get("/").body
    assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', index)
    assert assets, "no built assets in index.html (cd frontend && npm run build)"
    want = expected("FrontendHeadersPolicy")
    for asset in assets:
        assert of(local_stack.client().get(asset), list(want)) == want, asset


@pytest.mark.parametrize(
    ("method", "path", "status"), [("GET", "/api/me", 401), ("GET", "/api/industries", 200), ("GET", "/api/nope", 404), ("POST", "/api/auth/login", 400)]
)
def test_api_answers_carry_the_api_policy(local_stack: LocalStack, method: str, path: str, status: int) -> None:
    want = expected("ApiHeadersPolicy")
    answer = local_stack.client().request(method, path, {} if method == "POST" else None)
    assert answer.status == status
    assert of(answer, list(want)) == want
    assert "Permissions-Policy" not in {k.title() for k in answer.headers}
