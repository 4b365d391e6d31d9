"""One declaration per function (infra/functions.py): functions/<name>/function.yaml and the routes of its
app.py make its part of template.yaml; the committed template is what they make, and a route reaches the
template (hence the local gateway and API Gateway) from its decorator alone."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from infra import functions as declared
from local import cfn

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_template_is_what_the_declarations_make() -> None:
    assert declared.main(["--check"]) == 0, "template.yaml is stale: run `python -m infra.functions` and commit it"


def test_every_function_folder_is_declared_and_every_template_function_has_a_folder() -> None:
    folders = {p.name for p in (ROOT / "functions").iterdir() if (p / "app.py").is_file()}
    assert {p.parent.name for p in (ROOT / "functions").glob("*/function.yaml")} == folders
    in_template = cfn.resources_of_type(cfn.load(), "AWS::Serverless::Function")
    assert set(in_template) == {declared.logical_id(f) for f in folders}
    for name, resource in in_template.items():
        assert resource["Properties"]["CodeUri"] == f"functions/{next(f for f in folders if declared.logical_id(f) == name)}/"


def test_the_template_routes_are_the_decorated_ones() -> None:
    template = cfn.load()
    for folder in sorted((ROOT / "functions").glob("*/app.py")):
        events = cfn.resources_of_type(template, "AWS::Serverless::Function")[declared.logical_id(folder.parent.name)]["Properties"].get("Events", {})
        in_template = sorted((e["Properties"]["Method"], e["Properties"]["Path"]) for e in events.values() if e["Type"] == "Api")
        assert in_template == sorted((method, path) for _, method, path in declared.routes(folder)), folder.parent.name


def _copy_of(tmp_path: Path, folder: str) -> tuple[Path, dict[str, Any]]:
    functions = tmp_path / "functions"
    shutil.copytree(ROOT / "functions" / folder, functions / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return functions / folder, cfn.load(declared.GRANTS)


def test_a_route_added_to_app_py_reaches_the_template(tmp_path: Path) -> None:
    folder, bundles = _copy_of(tmp_path, "me_get")
    app = folder / "app.py"
    app.write_text(
        app.read_text(encoding="utf-8").replace(
            '@app.get("/api/me"', '@app.get("/api/me/summary/<part>")\ndef _extra() -> None: ...\n\n\n@app.get("/api/me"', 1
        ),
        encoding="utf-8",
    )
    events = declared.function_resources(folder, bundles)["MeGetFunction"]["Properties"]["Events"]
    assert {(e["Properties"]["Method"], e["Properties"]["Path"]) for e in events.values()} == {("GET", "/api/me"), ("GET", "/api/me/summary/{part}")}
    assert set(events) == {"Extra", "Me"}  # several routes: each event is named by its handler


def test_a_public_function_has_no_authorizer_on_any_route(tmp_path: Path) -> None:
    folder, bundles = _copy_of(tmp_path, "auth_login")
    for event in declared.function_resources(folder, bundles)["AuthLoginFunction"]["Properties"]["Events"].values():
        assert event["Properties"]["Auth"] == {"Authorizer": "NONE"}
    folder, bundles = _copy_of(tmp_path, "me_get")
    for event in declared.function_resources(folder, bundles)["MeGetFunction"]["Properties"]["Events"].values():
        assert "Auth" not in event["Properties"]


def test_grants_expand_to_least_privilege_statements(tmp_path: Path) -> None:
    folder, bundles = _copy_of(tmp_path, "me_get")
    (folder / "function.yaml").write_text(
        'Grants:\n  - mail\n  - {table: [GetItem], keys: ["MEMBER#*"]}\n  - {table: [Query], index: GSI1, keys: [OUTBOX]}\n', encoding="utf-8"
    )
    properties = declared.function_resources(folder, bundles)["MeGetFunction"]["Properties"]
    statements = properties["Policies"][0]["Statement"]
    assert statements[0]["Action"] == ["ses:SendEmail"] and statements[0]["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "MailFrom"}}}
    assert properties["Environment"]["Variables"] == {"MAIL_FROM": {"Ref": "MailFrom"}, "MAIL_CONFIGURATION_SET": {"Ref": "MailConfigurationSet"}}
    assert statements[1] == {
        "Effect": "Allow",
        "Action": ["dynamodb:GetItem"],
        "Resource": {"Fn::GetAtt": ["Table", "Arn"]},
        "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["MEMBER#*"]}},
    }
    assert statements[2]["Resource"] == {"Fn::Sub": "${Table.Arn}/index/GSI1"}
    assert statements[2]["Condition"] == {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["OUTBOX"]}}


@pytest.mark.parametrize(
    ("declaration", "message"),
    [
        ("CodeUri: functions/x/\n", "CodeUri is the folder"),
        ("Grants: [nosuchbundle]\n", "no grant bundle"),
        ("Grants:\n  - {table: [GetItem], partition: x}\n", "unknown keys"),
        ("Events:\n  Extra:\n    Type: Api\n    Properties: {Path: /x, Method: GET}\n", "routes are declared in app.py"),
        ("Mappings:\n  M:\n    FunctionName: other\n    EventSourceArn: x\n", "no FunctionName"),
    ],
)
def test_a_wrong_declaration_is_refused_with_its_file(tmp_path: Path, declaration: str, message: str) -> None:
    folder, bundles = _copy_of(tmp_path, "me_get")
    (folder / "function.yaml").write_text(declaration, encoding="utf-8")
    with pytest.raises(declared.DeclarationError, match=message) as caught:
        declared.function_resources(folder, bundles)
    assert "functions/me_get/function.yaml" in str(caught.value)


def test_a_failing_alarm_watches_errors_and_throttles_of_its_function(tmp_path: Path) -> None:
    folder, bundles = _copy_of(tmp_path, "me_get")
    (folder / "function.yaml").write_text('FailingAlarm: {Description: "x failed", Period: 3600}\n', encoding="utf-8")
    alarm = declared.function_resources(folder, bundles)["MeGetFailingAlarm"]["Properties"]
    assert alarm["AlarmActions"] == [{"Ref": "OpsTopic"}] and alarm["AlarmDescription"] == "x failed"
    assert [m["MetricStat"]["Metric"]["MetricName"] for m in alarm["Metrics"][:2]] == ["Errors", "Throttles"]
    assert {m["MetricStat"]["Period"] for m in alarm["Metrics"][:2]} == {3600}


def test_a_mapping_invokes_the_functions_alias(tmp_path: Path) -> None:
    folder, bundles = _copy_of(tmp_path, "me_get")
    (folder / "function.yaml").write_text("Mappings:\n  MeMapping:\n    EventSourceArn: !GetAtt SomeQueue.Arn\n    BatchSize: 1\n", encoding="utf-8")
    mapping = declared.function_resources(folder, bundles)["MeMapping"]
    assert mapping == {
        "Type": "AWS::Lambda::EventSourceMapping",
        "Properties": {"FunctionName": {"Ref": "MeGetFunction.Alias"}, "EventSourceArn": {"Fn::GetAtt": ["SomeQueue", "Arn"]}, "BatchSize": 1},
    }
