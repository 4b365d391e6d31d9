"""`make first-admin STACK=<stack name> EMAIL=<address> [NAME=<氏名>] [REGION=ap-northeast-1]`: the first administrator.

After `sam deploy` no staff account exists (no default password ever does outside the local stack). The person
who deployed runs this with their own AWS credentials: it finds StaffFirstAdminFunction through the stack's
outputs (FirstAdminFunctionName) and invokes it; the function mails an invitation (72 hours) to EMAIL, who sets a
password and, at the first login, the second factor. It is refused once an active admin exists (then admins
invite staff from 職員管理). `LOCAL=http://127.0.0.1:3000` runs it against the local stack instead
(POST /_dev/invoke/StaffFirstAdminFunction, where Lambda's Invoke is not available).
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from typing import Any

FUNCTION = "StaffFirstAdminFunction"
OUTPUT = "FirstAdminFunctionName"


def _on_aws(stack: str, region: str, event: dict[str, Any]) -> dict[str, Any]:
    import boto3

    outputs = boto3.client("cloudformation", region_name=region).describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])
    name = next((o["OutputValue"] for o in outputs if o["OutputKey"] == OUTPUT), None)
    if not name:
        raise SystemExit(f"error: stack {stack} has no output {OUTPUT} (deploy the current template.yaml first)")
    answer = boto3.client("lambda", region_name=region).invoke(FunctionName=name, Payload=json.dumps(event).encode())
    payload = json.loads(answer["Payload"].read() or b"{}")
    if answer.get("FunctionError"):
        raise SystemExit(f"error: {FUNCTION} failed: {payload.get('errorType', '')}")
    return dict(payload)


def _on_local(url: str, event: dict[str, Any]) -> dict[str, Any]:
    if not url.startswith(("http://", "https://")):
        raise SystemExit("error: LOCAL must be the local stack's http(s) URL")
    request = urllib.request.Request(  # noqa: S310 (an http(s) URL, checked above)
        f"{url.rstrip('/')}/_dev/invoke/{FUNCTION}", data=json.dumps(event).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        return dict(json.loads(answer.read()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make first-admin", description="Invite the first administrator of a deployed stack.")
    parser.add_argument("--email", required=True)
    parser.add_argument("--name", default="管理者")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--stack", help="the CloudFormation stack name (samconfig.toml's stack_name)")
    where.add_argument("--local", help="the local stack's URL, e.g. http://127.0.0.1:3000")
    parser.add_argument("--region", default="ap-northeast-1")
    args = parser.parse_args(argv)
    event = {"email": args.email, "name": args.name}
    result = _on_local(args.local, event) if args.local else _on_aws(args.stack, args.region, event)
    print(result.get("message", result))
    return 0 if result.get("outcome") == "invited" else 1


if __name__ == "__main__":
    sys.exit(main())
