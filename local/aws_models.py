"""`python -m local.aws_models`: the AWS service models the layer ships, cut down to the operations the portal calls.

A botocore client reads its service's whole model when it is made: DynamoDB's 62 operations and 553 shapes
(~15 ms CPU of every function's first request), S3's 119 operations (~13 ms), SESv2's 117 (~6 ms). The portal
calls a few of each. This writes, for each service in OPERATIONS, a service-2.json holding only those operations,
the shapes they reach and the service's metadata, without documentation, into layers/common/netclub/aws_models/;
netclub/aws.py puts that folder first on its session's search path, so botocore reads it instead of its own (the
endpoint rules and everything else still come from botocore's data). Made from the botocore of the dev
requirements, the version tests/deployed also runs; a client of the cut model has no method for any other
operation, so a call left out of OPERATIONS fails every test that makes it.

`tests/unit/test_aws_models.py` checks the files are what this writes today.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "layers" / "common" / "netclub" / "aws_models"

# Every operation a netclub client calls (presigned URLs and POSTs included: GetObject, PutObject).
OPERATIONS: dict[str, tuple[str, ...]] = {
    "dynamodb": ("BatchGetItem", "DeleteItem", "GetItem", "PutItem", "Query", "TransactWriteItems", "UpdateItem"),
    # CreateBucket: never called, but botocore's generate_presigned_post serialises the POST's URL with its model
    "s3": ("CopyObject", "CreateBucket", "DeleteObject", "GetObject", "HeadObject", "PutObject"),
    "sesv2": ("SendEmail",),
    "sqs": ("ChangeMessageVisibilityBatch", "DeleteMessageBatch", "ReceiveMessage", "SendMessageBatch"),
}
DROPPED = ("documentation", "documentationUrl")


def _without_docs(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_docs(v) for k, v in value.items() if k not in DROPPED}
    if isinstance(value, list):
        return [_without_docs(v) for v in value]
    return value


def cut(model: dict[str, Any], operations: tuple[str, ...]) -> dict[str, Any]:
    """The model with only `operations` and the shapes they reach (inputs, outputs, errors, recursively)."""
    missing = [op for op in operations if op not in model["operations"]]
    if missing:
        raise KeyError(f"{model['metadata']['serviceId']} has no operation {missing}")
    keep: set[str] = set()
    todo = []
    for name in operations:
        op = model["operations"][name]
        todo += [op[k]["shape"] for k in ("input", "output") if k in op]
        todo += [e["shape"] for e in op.get("errors", [])]
    while todo:
        name = todo.pop()
        if name in keep:
            continue
        keep.add(name)
        shape = model["shapes"][name]
        todo += [shape[k]["shape"] for k in ("member", "key", "value") if k in shape]
        todo += [m["shape"] for m in shape.get("members", {}).values()]
    return {  # documentation dropped from operations and shapes only (botocore reads clientContextParams' own)
        **model,
        "operations": _without_docs({k: v for k, v in model["operations"].items() if k in operations}),
        "shapes": _without_docs({k: v for k, v in model["shapes"].items() if k in keep}),
    }


def write(out: Path = OUT) -> list[Path]:
    import botocore.session

    loader = botocore.session.get_session().get_component("data_loader")
    shutil.rmtree(out, ignore_errors=True)
    written = []
    for service, operations in OPERATIONS.items():
        model = loader.load_service_model(service, "service-2")
        target = out / service / model["metadata"]["apiVersion"] / "service-2.json"
        target.parent.mkdir(parents=True)
        target.write_text(json.dumps(cut(model, operations), ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
        written.append(target)
    return written


def main() -> int:
    for path in write():
        print(f"wrote {path.relative_to(OUT.parents[3])} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
