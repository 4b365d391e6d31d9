"""template.yaml's cold-start settings (issue 14): every function published and invoked through its alias; SnapStart
a parameter, off by default (issue 28: benchmarks/cost_model.py prices it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from local import cfn

TEMPLATE = cfn.load()
GLOBALS: dict[str, Any] = TEMPLATE["Globals"]["Function"]
FUNCTIONS = cfn.resources_of_type(TEMPLATE, "AWS::Serverless::Function")
ROOT = Path(__file__).resolve().parents[2]
ARGON2 = {
    "AuthLoginFunction",
    "PasswordChangeFunction",
    "PasswordResetConfirmFunction",
    "RegistrationConfirmFunction",
    "StaffInvitationConfirmFunction",
    "MemberInvitationConfirmFunction",
    "MeWithdrawalFunction",
}


def test_every_function_is_published_and_snapstart_is_one_literal_off_by_default() -> None:
    assert GLOBALS["AutoPublishAlias"] == "live"
    # a literal: SAM hashes a version's SnapStart unresolved, so a parameter would not move the alias
    # (tests/deployed/test_snapstart_versions.py shows a literal does)
    assert GLOBALS["SnapStart"] == {"ApplyOn": "None"}  # the cost model's default (benchmarks/cost_model.py DEFAULT_SNAPSTART)
    assert "SnapStartApplyOn" not in TEMPLATE["Parameters"]
    assert TEMPLATE["Parameters"]["PythonRuntime"]["Default"] >= "python3.12"  # SnapStart for Python: 3.12+
    for name, res in FUNCTIONS.items():
        props = res["Properties"]
        assert "AutoPublishAlias" not in props and "SnapStart" not in props, name  # one setting for all


def test_what_invokes_a_function_by_reference_invokes_its_alias() -> None:
    """Events declared on a function use the alias by themselves; the authorizer and the mappings name it."""
    authorizer = TEMPLATE["Resources"]["Api"]["Properties"]["Auth"]["Authorizers"]["SessionAuthorizer"]
    assert authorizer["FunctionArn"] == {"Ref": "AuthAuthorizerFunction.Alias"}
    for name, res in cfn.resources_of_type(TEMPLATE, "AWS::Lambda::EventSourceMapping").items():
        target = res["Properties"]["FunctionName"]
        assert isinstance(target, dict) and str(target.get("Ref", "")).endswith(".Alias"), name


def test_powertools_dev_off_and_no_metrics_settings_without_metrics() -> None:
    variables = GLOBALS["Environment"]["Variables"]
    assert str(variables.get("POWERTOOLS_DEV", "false")).lower() == "false"
    for name, res in FUNCTIONS.items():
        own = (res["Properties"].get("Environment") or {}).get("Variables") or {}
        assert str(own.get("POWERTOOLS_DEV", "false")).lower() == "false", name
    sources = "\n".join(p.read_text(encoding="utf-8") for top in ("functions", "layers/common/netclub") for p in (ROOT / top).rglob("*.py"))
    if "Metrics(" not in sources:
        assert not any(k.startswith("POWERTOOLS_METRICS") for k in variables)


def test_argon2_functions_get_a_whole_vcpu() -> None:
    assert GLOBALS["MemorySize"] == 512
    for name in ARGON2:
        assert FUNCTIONS[name]["Properties"]["MemorySize"] == 1769, name
    sized = {n for n, r in FUNCTIONS.items() if "MemorySize" in r["Properties"]}
    assert sized - ARGON2 == {
        "DirectoryIndexFunction",
        "DirectorySearchFunction",
        "ExportWorkerFunction",
        "MemberImportWorkerFunction",
        "MemberIndexFunction",
    }  # sized for their own work


def test_the_dynamodb_client_is_made_at_init_only_for_a_snapshot(monkeypatch: Any) -> None:
    from netclub import aws

    made: list[str] = []
    monkeypatch.setattr(aws, "client", made.append)
    monkeypatch.delenv("AWS_LAMBDA_INITIALIZATION_TYPE", raising=False)
    aws.prime_for_snapshot()
    monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
    aws.prime_for_snapshot()
    assert made == []  # tests, the local stack, on-demand init: clients stay lazy
    monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start")
    aws.prime_for_snapshot()
    assert made == ["dynamodb"]


def test_the_directory_index_is_loaded_at_init_only_for_a_snapshot(monkeypatch: Any) -> None:
    from netclub.services import directory
    from netclub.services.directory_index import Index

    loads: list[str | None] = []

    def fetch(etag: str | None) -> tuple[str, bytes, str | None]:
        loads.append(etag)
        return ("new", Index.build([]).dump(), '"v1"') if etag is None else ("same", b"", etag)

    monkeypatch.setattr(directory.directory_store, "fetch_index", fetch)
    cache = directory.IndexCache()
    monkeypatch.delenv("AWS_LAMBDA_INITIALIZATION_TYPE", raising=False)
    cache.prime_for_snapshot()
    assert loads == [] and cache.index is None  # tests, the local stack, on-demand init: the first search loads it
    monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start")
    cache.prime_for_snapshot()
    assert loads == [None] and cache.index is not None and cache.etag == '"v1"'
    primed = cache.index
    assert cache.current() is primed and loads == [None, '"v1"']  # after the restore: one conditional GetObject, 304
