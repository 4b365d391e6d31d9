"""Least privilege by item (issue 26): a function anyone can call (a route without the authorizer) and the
authorizer itself reach only the table's partitions they name: every statement on the table carries a
`dynamodb:LeadingKeys` condition. local/iam.py evaluates those conditions in every suite, so a key the code
uses and the statement omits is a denial there; this test catches a grant written without any."""

from __future__ import annotations

from typing import Any

from local import cfn


def _public(name: str, resource: dict[str, Any]) -> bool:
    if name == "AuthAuthorizerFunction":
        return True
    events = resource["Properties"].get("Events") or {}
    return any(e.get("Type") == "Api" and (e["Properties"].get("Auth") or {}).get("Authorizer") == "NONE" for e in events.values())


def _on_the_table(statement: dict[str, Any]) -> bool:
    resources = statement.get("Resource")
    resources = resources if isinstance(resources, list) else [resources]
    return any(r == {"Fn::GetAtt": ["Table", "Arn"]} or "${Table.Arn}" in str(r) for r in resources)


def test_every_public_function_names_the_partitions_it_reaches() -> None:
    template = cfn.load()
    functions = cfn.resources_of_type(template, "AWS::Serverless::Function")
    public = {n: r for n, r in functions.items() if _public(n, r)}
    assert {"AuthAuthorizerFunction", "AuthLoginFunction", "UnsubscribeFunction", "RegistrationRequestFunction"} <= set(public)
    unscoped = []
    for name, resource in public.items():
        for policy in resource["Properties"].get("Policies") or []:
            for statement in policy.get("Statement", []):
                if _on_the_table(statement) and "dynamodb:LeadingKeys" not in str(statement.get("Condition")):
                    unscoped.append((name, statement["Action"]))
    assert unscoped == [], f"public functions with grants on the whole table: {unscoped}"
