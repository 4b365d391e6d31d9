"""Every deploy that changes what a function runs publishes a new version, so its `live` alias (what API Gateway,
the authorizer, schedules and mappings invoke) moves to it. SAM decides by a hash of the version's properties:
by default the function's own code, environment and memory only, so a change to layers/common alone (where
nearly all the code is) left every alias on the old layer. AutoPublishAliasAllProperties with the
layer's PublishLambdaVersion puts the layer's content in the hash (infra/functions.py writes it on every function); SnapStart is a literal for the same reason
(a parameter enters the hash unresolved). Shown with SAM's own translator (.venv-sam)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAM_PYTHON = ROOT / ".venv-sam" / "bin" / "python"


@pytest.mark.skipif(not SAM_PYTHON.exists() and not os.environ.get("NETCLUB_BROWSER_REQUIRED"), reason="SAM CLI's environment (make sam-validate)")
def test_a_change_to_the_layer_the_code_or_snapstart_publishes_a_new_version() -> None:
    answer = subprocess.run(
        [str(SAM_PYTHON), str(ROOT / "tests" / "deployed" / "sam_versions.py"), "MeGetFunction"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "AWS_DEFAULT_REGION": "ap-northeast-1", "PYTHONPATH": str(ROOT)},
        check=True,
    )
    versions = json.loads(answer.stdout.strip().splitlines()[-1])
    assert versions["same"] == versions["base"]  # nothing changed: no new version
    assert versions["layer"] != versions["base"]  # only layers/common changed
    assert versions["code"] != versions["base"]
    assert versions["snapstart"] != versions["base"]
