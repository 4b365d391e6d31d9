"""Run by tests/deployed/test_sam_versions.py with SAM CLI's Python (.venv-sam): SAM's own translator turns
template.yaml into CloudFormation with fake S3 locations, and prints the logical id of one function's
published version for each case. Not imported by the suites (samtranslator lives only in .venv-sam)."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from samtranslator.translator.transform import transform

from local import cfn


class _NoManagedPolicies:
    def load(self) -> dict[str, str]:
        return {}


def version(template: dict[str, Any], function: str, code: str, layer: str, snapstart: str | None) -> str:
    t = copy.deepcopy(template)
    if snapstart is not None:
        t["Globals"]["Function"]["SnapStart"]["ApplyOn"] = snapstart
    for resource in t["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = code
        if resource["Type"] == "AWS::Serverless::LayerVersion":
            resource["Properties"]["ContentUri"] = layer
    out = transform(t, {}, _NoManagedPolicies())
    (name,) = [k for k, r in out["Resources"].items() if r["Type"] == "AWS::Lambda::Version" and k.startswith(f"{function}Version")]
    return name


def main() -> None:
    template, function = cfn.load(), sys.argv[1]
    cases = {
        "base": ("s3://b/code1.zip", "s3://b/layer1.zip", None),
        "same": ("s3://b/code1.zip", "s3://b/layer1.zip", None),
        "layer": ("s3://b/code1.zip", "s3://b/layer2.zip", None),
        "code": ("s3://b/code2.zip", "s3://b/layer1.zip", None),
        "snapstart": ("s3://b/code1.zip", "s3://b/layer1.zip", "PublishedVersions"),
    }
    print(json.dumps({case: version(template, function, *args) for case, args in cases.items()}))


if __name__ == "__main__":
    main()
