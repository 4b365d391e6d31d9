"""Each function runs with only its own environment (Globals + its own in template.yaml), as on Lambda.

The local stack and the in-process tests run every function in one process; local/isolation.py
shows each invocation only what Lambda would give that function, so a function that reads a
variable its template entry does not declare fails here as it would on AWS.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from local import cfn
from local.isolation import function_scope
from tests.conftest import Env


def _declared(name: str) -> set[str]:
    template = cfn.load()
    globals_env = template["Globals"]["Function"]["Environment"]["Variables"]
    own = template["Resources"][name]["Properties"].get("Environment", {}).get("Variables", {})
    return set(globals_env) | set(own)


def test_a_function_sees_only_its_own_variables(env: Env) -> None:
    me = env.gateway.functions["MeGetFunction"]
    inquiries = env.gateway.functions["InquiriesCreateFunction"]
    assert me.own_environment is not None and inquiries.own_environment is not None
    with function_scope(me.logical_id, me.own_environment):
        seen = set(os.environ)
    assert "MAIL_FROM" not in seen and "ATTACHMENTS_BUCKET" not in seen and "IDEMPOTENCY_TABLE_NAME" not in seen
    runtime = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME"}
    local_only = {"ARGON2_TIME_COST", "ARGON2_MEMORY_KIB"}  # the tests' cheap argon2
    assert seen - runtime - local_only == _declared("MeGetFunction")
    with function_scope(inquiries.logical_id, inquiries.own_environment):
        assert {"MAIL_FROM", "ATTACHMENTS_BUCKET", "IDEMPOTENCY_TABLE_NAME", "FRONTEND_URL"} <= set(os.environ)
    assert "MAIL_FROM" in os.environ  # outside any function: the process (seed, tools) sees everything


def test_a_setting_the_function_does_not_declare_fails_as_on_aws(env: Env) -> None:
    from netclub.config import MissingSetting, get_settings

    me = env.gateway.functions["MeGetFunction"]
    assert me.own_environment is not None
    with function_scope(me.logical_id, me.own_environment), pytest.raises(MissingSetting, match="ATTACHMENTS_BUCKET"):
        get_settings().need("attachments_bucket")
    inquiries = env.gateway.functions["InquiriesCreateFunction"]
    assert inquiries.own_environment is not None
    with function_scope(inquiries.logical_id, inquiries.own_environment):
        assert get_settings().need("attachments_bucket").startswith("netclub-local-")


def test_containers_are_reused_and_reaped(env: Env, monkeypatch: Any) -> None:
    from local import functions

    fn = env.gateway.functions["IndustriesListFunction"]
    client = env.new_client()
    for _ in range(3):
        assert client.get("/api/industries").status == 200
    assert fn.containers() == 1  # one request at a time: one warm container, reused
    cold = fn.cold_starts
    monkeypatch.setattr(functions, "IDLE_SECONDS", 0.0)
    assert client.get("/api/industries").status == 200
    assert fn.cold_starts == cold  # the warm one served it, then every idle container was reaped
    assert fn.containers() == 0
