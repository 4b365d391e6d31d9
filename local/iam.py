"""IAM as AWS would apply it to each function: what the code really calls, checked against template.yaml.

moto enforces no IAM, so a call that AWS would deny (a Put inside a transaction without
`dynamodb:PutItem`, a Query on an index the policy does not name) passes every local test and
fails in production. Here every AWS call a function makes is turned into the requests IAM
evaluates, as IAM sees them:

- DynamoDB: each item of TransactWriteItems/TransactGetItems is its own action (Put → PutItem,
  Update → UpdateItem, Delete → DeleteItem, ConditionCheck → ConditionCheckItem, Get → GetItem);
  a Query on a GSI is on the index ARN; `dynamodb:LeadingKeys` is the partition key value(s);
- S3: HeadObject → s3:GetObject; CopyObject → s3:GetObject on the source and s3:PutObject on the
  target; a presigned POST or GET → s3:PutObject / s3:GetObject on that key, although no call is made;
- SESv2 SendEmail → ses:SendEmail on the sender's identity.

Each request is evaluated against the function's policy in template.yaml (inline statements:
Allow/Deny, Action/NotAction with wildcards, Resource, and the condition operators used there).
A denied call raises AccessDeniedException, as AWS would answer, and is recorded; the recording
(actions per function, denials, grants never used) is what the test suites check and report.
"""

from __future__ import annotations

import json
import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local import isolation
from local.cfn import Resolver, resources_of_type

PARTITION = "aws"


@dataclass(frozen=True)
class Request:
    """One authorisation request as IAM evaluates it."""

    action: str
    resource: str
    context: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def context_values(self, key: str) -> tuple[str, ...] | None:
        for name, values in self.context:
            if name.lower() == key.lower():
                return values
        return None


class UnknownOperation(Exception):
    """A call this module cannot translate into IAM requests: teach it, do not guess."""


# ------------------------------------------------------------------------------ calls → requests


def _table_arn(region: str, account: str, table: str) -> str:
    return f"arn:{PARTITION}:dynamodb:{region}:{account}:table/{table}"


def _partition_value(key: Mapping[str, Any] | None, names: Iterable[str] = ("PK", "id")) -> tuple[str, ...]:
    for name in names:
        value = (key or {}).get(name)
        if isinstance(value, Mapping) and len(value) == 1:
            return (str(next(iter(value.values()))),)
    return ()


def _leading(values: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return (("dynamodb:LeadingKeys", values),) if values else ()


_ITEM_ACTIONS = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem", "Get": "GetItem"}


def _query_partition(params: Mapping[str, Any]) -> tuple[str, ...]:
    """The partition key value of a KeyConditionExpression `#pk = :pk` (or `PK = :pk`)."""
    expression = str(params.get("KeyConditionExpression", ""))
    values = params.get("ExpressionAttributeValues") or {}
    found = re.match(r"\s*(#?\w+)\s*=\s*(:\w+)", expression)
    if not found or found.group(2) not in values:
        return ()
    raw = values[found.group(2)]
    return (str(next(iter(raw.values()))),) if isinstance(raw, Mapping) and raw else ()


def dynamodb_requests(operation: str, params: Mapping[str, Any], region: str, account: str) -> list[Request]:
    if operation in ("GetItem", "PutItem", "UpdateItem", "DeleteItem"):
        key = params.get("Item") if operation == "PutItem" else params.get("Key")
        return [Request(f"dynamodb:{operation}", _table_arn(region, account, params["TableName"]), _leading(_partition_value(key)))]
    if operation in ("Query", "Scan"):
        arn = _table_arn(region, account, params["TableName"])
        if params.get("IndexName"):
            arn += f"/index/{params['IndexName']}"
        leading = _query_partition(params) if operation == "Query" else ()
        return [Request(f"dynamodb:{operation}", arn, _leading(leading))]
    if operation in ("TransactWriteItems", "TransactGetItems"):
        requests = []
        for item in params.get("TransactItems", []):
            ((kind, op),) = item.items()
            key = op.get("Item") if kind == "Put" else op.get("Key")
            requests.append(Request(f"dynamodb:{_ITEM_ACTIONS[kind]}", _table_arn(region, account, op["TableName"]), _leading(_partition_value(key))))
        return requests
    if operation in ("BatchGetItem", "BatchWriteItem"):
        requests = []
        for table, spec in (params.get("RequestItems") or {}).items():
            if operation == "BatchGetItem":
                keys = [_partition_value(k) for k in spec.get("Keys", [])]
            else:
                keys = [_partition_value((w.get("PutRequest") or {}).get("Item") or (w.get("DeleteRequest") or {}).get("Key")) for w in spec]
            leading = tuple(sorted({v for k in keys for v in k}))
            requests.append(Request(f"dynamodb:{operation}", _table_arn(region, account, table), _leading(leading)))
        return requests
    if operation in ("DescribeTable", "DescribeTimeToLive"):
        return [Request(f"dynamodb:{operation}", _table_arn(region, account, params["TableName"]))]
    raise UnknownOperation(f"dynamodb:{operation}")


def _object_arn(bucket: str, key: str) -> str:
    return f"arn:{PARTITION}:s3:::{bucket}/{key}"


def s3_requests(operation: str, params: Mapping[str, Any]) -> list[Request]:
    bucket = str(params.get("Bucket", ""))
    if operation in ("GetObject", "HeadObject"):
        return [Request("s3:GetObject", _object_arn(bucket, params["Key"]))]
    if operation == "PutObject":
        return [Request("s3:PutObject", _object_arn(bucket, params["Key"]))]
    if operation == "DeleteObject":
        return [Request("s3:DeleteObject", _object_arn(bucket, params["Key"]))]
    if operation == "CopyObject":
        source = params["CopySource"]
        if isinstance(source, Mapping):
            source_arn = _object_arn(str(source["Bucket"]), str(source["Key"]))
        else:
            source_arn = f"arn:{PARTITION}:s3:::{str(source).lstrip('/').split('?', 1)[0]}"
        return [Request("s3:GetObject", source_arn), Request("s3:PutObject", _object_arn(bucket, params["Key"]))]
    if operation in ("ListObjectsV2", "ListObjects", "HeadBucket"):
        return [Request("s3:ListBucket", f"arn:{PARTITION}:s3:::{bucket}")]
    raise UnknownOperation(f"s3:{operation}")


def ses_identity(address: str, identities: Iterable[str]) -> str:
    """The verified identity SES authorises a send from `address` against: the address itself when it is an
    identity, else its domain (or a parent domain) when that is one; else the address (which is then denied)."""
    verified = {i.lower() for i in identities}
    if address.lower() in verified:
        return address
    domain = address.rpartition("@")[2].lower()
    while domain:
        if domain in verified:
            return domain
        domain = domain.partition(".")[2]
    return address


def ses_requests(operation: str, params: Mapping[str, Any], region: str, account: str, identities: Iterable[str] = ()) -> list[Request]:
    if operation in ("SendEmail", "SendRawEmail"):
        sender = str(params.get("FromEmailAddress") or params.get("Source") or "")
        address = re.sub(r".*<([^>]+)>.*", r"\1", sender).strip()
        identity = params.get("FromEmailAddressIdentityArn") or f"arn:{PARTITION}:ses:{region}:{account}:identity/{ses_identity(address, identities)}"
        context = (("ses:FromAddress", (address,)),)
        requests = [Request("ses:SendEmail", str(identity), context)]
        if params.get("ConfigurationSetName"):
            requests.append(Request("ses:SendEmail", f"arn:{PARTITION}:ses:{region}:{account}:configuration-set/{params['ConfigurationSetName']}", context))
        return requests
    raise UnknownOperation(f"ses:{operation}")


def sqs_requests(operation: str, params: Mapping[str, Any], region: str, account: str) -> list[Request]:
    """SendMessageBatch is authorised as sqs:SendMessage (as DeleteMessageBatch as sqs:DeleteMessage), on the queue's ARN."""
    name = str(params.get("QueueUrl", "")).rstrip("/").rsplit("/", 1)[-1]
    actions = {"SendMessage": "SendMessage", "SendMessageBatch": "SendMessage", "ReceiveMessage": "ReceiveMessage", "DeleteMessage": "DeleteMessage"}
    actions |= {"DeleteMessageBatch": "DeleteMessage", "GetQueueAttributes": "GetQueueAttributes", "ChangeMessageVisibility": "ChangeMessageVisibility"}
    actions |= {"ChangeMessageVisibilityBatch": "ChangeMessageVisibility"}
    if operation in actions:
        return [Request(f"sqs:{actions[operation]}", f"arn:{PARTITION}:sqs:{region}:{account}:{name}")]
    raise UnknownOperation(f"sqs:{operation}")


def requests_for(service: str, operation: str, params: Mapping[str, Any], region: str, account: str, identities: Iterable[str] = ()) -> list[Request]:
    if service == "sqs":
        return sqs_requests(operation, params, region, account)
    if service == "dynamodb":
        return dynamodb_requests(operation, params, region, account)
    if service == "s3":
        return s3_requests(operation, params)
    if service in ("sesv2", "ses"):
        return ses_requests(operation, params, region, account, identities)
    raise UnknownOperation(f"{service}:{operation}")


# ------------------------------------------------------------------------------ policies


def _wildcard(pattern: str, case_sensitive: bool) -> re.Pattern[str]:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(f"^{regex}$", 0 if case_sensitive else re.IGNORECASE)


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


_OPERATORS = {"StringEquals", "StringLike", "StringNotEquals", "StringNotLike"}


@dataclass
class Statement:
    effect: str
    actions: list[str]
    resources: list[str]
    not_actions: list[str] = field(default_factory=list)
    conditions: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for operator in self.conditions:
            base = operator.split(":", 1)[-1].removesuffix("IfExists")
            if base not in _OPERATORS:
                raise ValueError(f"condition operator {operator} is not evaluated here: add it to local/iam.py")

    def matches_action(self, action: str) -> bool:
        if self.not_actions:
            return not any(_wildcard(a, False).match(action) for a in self.not_actions)
        return any(_wildcard(a, False).match(action) for a in self.actions)

    def matches_resource(self, resource: str) -> bool:
        return any(_wildcard(r, True).match(resource) for r in self.resources)

    def conditions_hold(self, request: Request) -> bool:
        return all(self._holds(operator, key, wanted, request) for operator, keys in self.conditions.items() for key, wanted in keys.items())

    @staticmethod
    def _holds(operator: str, key: str, wanted: list[str], request: Request) -> bool:
        qualifier, _, base = operator.rpartition(":")
        if_exists = base.endswith("IfExists")
        base = base.removesuffix("IfExists")
        values = request.context_values(key)
        if values is None:
            # a missing key: ForAllValues holds (the empty set), ...IfExists holds, anything else fails
            return qualifier == "ForAllValues" or if_exists
        negate = base.startswith("StringNot")
        like = base.endswith("Like")

        def one(value: str) -> bool:
            hit = any((_wildcard(w, True).match(value) if like else value == w) for w in wanted)
            return not hit if negate else hit

        if qualifier == "ForAnyValue":
            return any(one(v) for v in values)
        if qualifier == "ForAllValues":
            return all(one(v) for v in values)
        return len(values) == 1 and one(values[0])

    def applies(self, request: Request) -> bool:
        return self.matches_action(request.action) and self.matches_resource(request.resource) and self.conditions_hold(request)

    def describe(self) -> str:
        actions = ",".join(self.actions or [f"NOT {a}" for a in self.not_actions])
        return f"{self.effect} {actions} on {','.join(self.resources)}" + (f" if {json.dumps(self.conditions)}" if self.conditions else "")


@dataclass
class Policy:
    statements: list[Statement]

    def allows(self, request: Request) -> bool:
        applicable = [s for s in self.statements if s.applies(request)]
        return any(s.effect == "Allow" for s in applicable) and not any(s.effect == "Deny" for s in applicable)


def ses_identities(template: dict[str, Any], resolver: Resolver) -> frozenset[str]:
    return frozenset(str(resolver.ref(name)) for name in resources_of_type(template, "AWS::SES::EmailIdentity"))


def policies(template: dict[str, Any], resolver: Resolver) -> dict[str, Policy]:
    """Each function's inline policy statements from template.yaml, resolved for these names."""
    found: dict[str, Policy] = {}
    for name, res in resources_of_type(template, "AWS::Serverless::Function").items():
        statements: list[Statement] = []
        for entry in res["Properties"].get("Policies", []) or []:
            if not isinstance(entry, dict) or set(entry) != {"Statement"}:
                raise ValueError(f"{name}: only inline policy statements are checked here, not {entry!r}")
            for raw in resolver.resolve(entry["Statement"]):
                statements.append(
                    Statement(
                        effect=raw["Effect"],
                        actions=_listed(raw.get("Action")),
                        not_actions=_listed(raw.get("NotAction")),
                        resources=_listed(raw.get("Resource")),
                        conditions={op: {k: _listed(v) for k, v in keys.items()} for op, keys in (raw.get("Condition") or {}).items()},
                    )
                )
        found[name] = Policy(statements)
    return found


# ------------------------------------------------------------------------------ the recorder


@dataclass
class Recorder:
    """Records and checks every AWS call made inside a function's invocation (local/isolation.py)."""

    policies: dict[str, Policy]
    region: str
    account: str
    enforce: bool = True
    ses_identities: frozenset[str] = frozenset()  # the template's AWS::SES::EmailIdentity names (ses_identity)
    used: dict[str, dict[tuple[str, str, str], int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    denials: list[dict[str, str]] = field(default_factory=list)  # since the last reset (one test)
    all_denials: list[dict[str, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, service: str, operation: str, params: Mapping[str, Any], region: str | None = None) -> None:
        function = isolation.current_function()
        if function is None:  # the stack's own set-up (resources, seed), not a function
            return
        try:
            requests = requests_for(service, operation, params, region or self.region, self.account, self.ses_identities)
        except UnknownOperation as exc:
            with self._lock:
                self.unknown.append(f"{function}: {exc}")
            raise
        policy = self.policies.get(function, Policy([]))
        for request in requests:
            allowed = policy.allows(request)
            with self._lock:
                self.used[function][(request.action, request.resource, _key_kinds(request))] += 1
                if not allowed:
                    self.denials.append(
                        denial := {
                            "function": function,
                            "call": f"{service}:{operation}",
                            "action": request.action,
                            "resource": request.resource,
                            "context": json.dumps(dict(request.context), ensure_ascii=False),
                        }
                    )
                    self.all_denials.append(denial)
            if not allowed and self.enforce:
                raise access_denied(function, request, operation)

    def report(self) -> dict[str, Any]:
        with self._lock:
            return {
                "used": {fn: sorted(" ".join(call).strip() for call in calls) for fn, calls in sorted(self.used.items())},
                "denials": list(self.all_denials),
                "unknown": list(self.unknown),
            }

    def reset(self) -> None:
        with self._lock:
            self.denials.clear()
            self.unknown.clear()


def _key_kinds(request: Request) -> str:
    """The kinds of partition key read or written (`MEMBER#`, `EVENTS`): what a LeadingKeys condition names."""
    values = request.context_values("dynamodb:LeadingKeys") or ()
    return ",".join(sorted({v.split("#", 1)[0] + ("#*" if "#" in v else "") for v in values}))


def access_denied(function: str, request: Request, operation: str) -> Exception:
    from botocore.exceptions import ClientError

    message = f"User: arn:aws:sts::assumed-role/{function}Role is not authorized to perform: {request.action} on resource: {request.resource}"
    return ClientError({"Error": {"Code": "AccessDeniedException", "Message": message}, "ResponseMetadata": {"HTTPStatusCode": 400}}, operation)


_recorder: Recorder | None = None


def install(recorder: Recorder) -> Recorder:
    """Route every botocore call (and presigned URL/POST) of this process through `recorder`."""
    global _recorder
    _recorder = recorder
    _patch_botocore()
    return recorder


def current() -> Recorder | None:
    return _recorder


_patched = False


def _patch_botocore() -> None:
    global _patched
    if _patched:
        return
    import botocore.client
    import botocore.signers

    make_api_call = botocore.client.BaseClient._make_api_call

    def checked_api_call(self: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
        if _recorder is not None:
            _recorder.check(self.meta.service_model.service_name, operation_name, api_params, self.meta.region_name)
        return make_api_call(self, operation_name, api_params)

    presign_url = botocore.signers.generate_presigned_url
    presign_post = botocore.signers.generate_presigned_post

    def checked_presign_url(self: Any, ClientMethod: str, Params: Any = None, *args: Any, **kwargs: Any) -> Any:
        if _recorder is not None:
            operation = self.meta.method_to_api_mapping.get(ClientMethod, ClientMethod)
            _recorder.check(self.meta.service_model.service_name, operation, Params or {}, self.meta.region_name)
        return presign_url(self, ClientMethod, Params, *args, **kwargs)

    def checked_presign_post(self: Any, Bucket: str, Key: str, *args: Any, **kwargs: Any) -> Any:
        if _recorder is not None:
            _recorder.check("s3", "PutObject", {"Bucket": Bucket, "Key": Key}, self.meta.region_name)
        return presign_post(self, Bucket, Key, *args, **kwargs)

    botocore.client.BaseClient._make_api_call = checked_api_call  # type: ignore[method-assign]
    botocore.signers.generate_presigned_url = checked_presign_url
    botocore.signers.generate_presigned_post = checked_presign_post
    _patched = True


def summarise(reports: Iterable[Path]) -> str:
    """The suite's IAM report: requests per function, denials, grants no test needed."""
    from local import stack

    used: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    denials: list[dict[str, str]] = []
    for path in reports:
        data = json.loads(path.read_text(encoding="utf-8"))
        for function, calls in data["used"].items():
            for call in calls:
                action, resource, *kinds = call.split(" ")
                used[function].add((action, resource, kinds[0] if kinds else ""))
        denials.extend(data["denials"])
    if not used and not denials:
        return ""
    template, _, resolver = stack.environment("http://127.0.0.1:3000", None)
    template_policies = policies(template, resolver)
    lines = [f"{len(used)} functions made {sum(len(c) for c in used.values())} distinct requests; {len(denials)} denied."]
    for function in sorted(used):
        lines.append(f"  {function}: {len(used[function])}: " + "; ".join(f"{a} {r.rsplit(':', 1)[-1]} {k}".strip() for a, r, k in sorted(used[function])))
    for denial in denials:
        lines.append(f"  DENIED {denial['function']}: {denial['action']} on {denial['resource']}")
    idle = unused_grants(template_policies, {fn: [(a, r) for a, r, _ in calls] for fn, calls in used.items()})
    if idle:
        lines.append("Granted but never used by the suites (information):")
        lines.extend(f"  {fn}: {'; '.join(grants)}" for fn, grants in idle.items())
    text = "\n".join(lines)
    (next(iter(reports), Path("build/iam/x")).parent / "summary.txt").write_text(text + "\n", encoding="utf-8")
    return text


def unused_grants(template_policies: dict[str, Policy], used: Mapping[str, Iterable[tuple[str, str]]]) -> dict[str, list[str]]:
    """Allow statements (action × resource) that no recorded request of the function needed."""
    report: dict[str, list[str]] = {}
    for function, policy in sorted(template_policies.items()):
        calls = [Request(a, r) for a, r in used.get(function, [])]
        idle = []
        for statement in policy.statements:
            if statement.effect != "Allow":
                continue
            for action in statement.actions:
                for resource in statement.resources:
                    if not any(_wildcard(action, False).match(c.action) and _wildcard(resource, True).match(c.resource) for c in calls):
                        idle.append(f"{action} on {resource}")
        if idle:
            report[function] = idle
    return report


def write(path: Path, recorder: Recorder) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(recorder.report(), ensure_ascii=False, indent=1), encoding="utf-8")
