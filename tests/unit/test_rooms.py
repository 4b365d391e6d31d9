"""The rooms of the code (README "Working on it", docs/architecture.md "Code layout"): every DynamoDB expression and condition lives in `netclub.store`;
the services hold the rules and only commit what the store's functions built (`dynamo.transact`); handlers are thin
and reach DynamoDB only through the services. Each AWS service has one adapter (DynamoDB netclub.store, SES
netclub.mail.sender, SQS netclub.queue, S3 netclub.files.s3), clients are made in netclub.aws only, and nothing
waits to try again but through netclub.retry's named policies."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted((ROOT / "layers/common/netclub/services").glob("*.py"))
HANDLERS = sorted((ROOT / "functions").glob("*/app.py"))
# what a service may take from netclub.store.dynamo: the commit of operations the store built, its error and item types, and
# the type of those operations (TransactOp, to pass them on; not PutOp & co., which would build one)
SERVICE_MAY_USE = {"transact", "ConditionFailed", "Item", "TransactionConflict", "TransactOp"}
EXPRESSION = re.compile(r"^(SET|ADD|REMOVE|DELETE) \w|attribute_(not_)?exists\(|begins_with\(|\w+ = :\w+|#\w+ (=|<>|IN) ")


def _dynamo_names(tree: ast.Module) -> set[str]:
    """The local names netclub.store.dynamo is bound to in a module."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "netclub.store":
            names |= {a.asname or a.name for a in node.names if a.name == "dynamo"}
        if isinstance(node, ast.Import):
            names |= {a.asname for a in node.names if a.name == "netclub.store.dynamo" and a.asname}
    return names


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_services_write_no_dynamodb_expression(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    dynamo = _dynamo_names(tree)
    used = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in dynamo}
    assert used <= SERVICE_MAY_USE, f"{path.name} calls netclub.store.dynamo.{sorted(used - SERVICE_MAY_USE)}: build the operation in netclub.store"
    from_dynamo = {a.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module == "netclub.store.dynamo" for a in node.names}
    assert from_dynamo <= SERVICE_MAY_USE, f"{path.name} imports {sorted(from_dynamo - SERVICE_MAY_USE)} from netclub.store.dynamo"
    expressions = [
        (node.lineno, node.value) for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str) and EXPRESSION.search(node.value)
    ]
    assert not expressions, f"{path.name} writes DynamoDB expressions (move them to netclub.store): {expressions}"


@pytest.mark.parametrize("path", HANDLERS, ids=lambda p: p.parent.name)
def test_handlers_reach_dynamodb_only_through_services(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    modules |= {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
    assert not _dynamo_names(tree) and "netclub.store.dynamo" not in modules, f"{path.parent.name} imports netclub.store.dynamo"
    assert "boto3" not in modules and "botocore" not in modules, f"{path.parent.name} makes its own AWS client"


def test_the_expression_pattern_sees_what_the_store_writes() -> None:
    """The check above is only as good as its pattern: it must flag the store's own expressions."""
    store = (ROOT / "layers/common/netclub/store/reservations.py").read_text(encoding="utf-8")
    flagged = [c.value for c in ast.walk(ast.parse(store)) if isinstance(c, ast.Constant) and isinstance(c.value, str) and EXPRESSION.search(c.value)]
    assert "SET seats_left = seats_left - :one" in flagged
    assert "attribute_exists(PK)" in flagged
    assert "#st = :st" in flagged
    assert not EXPRESSION.search("このご予約は変更できません。")


# --- one adapter per AWS service ------------------------------------------------------------------------------
#
# Every client is made by netclub/aws.py (`client`, `new_client`), and each service's client is asked for, and its
# operations called, only in that service's adapter: DynamoDB in netclub.store (and the idempotency utility's
# persistence layer, which takes a client), SES in netclub.mail.sender (the one SendEmail), SQS in netclub.queue,
# S3 in netclub.files.s3. Everything else calls the adapters.

NETCLUB = ROOT / "layers/common/netclub"
LAYER_MODULES = sorted(NETCLUB.rglob("*.py"))
CODE = [*LAYER_MODULES, *HANDLERS]
ADAPTERS = {
    "dynamodb": ("netclub.store.", "netclub.idempotency", "netclub.aws"),  # netclub.aws: the SnapStart init makes it early
    "sesv2": ("netclub.mail.sender",),
    "sqs": ("netclub.queue",),
    "s3": ("netclub.files.s3",),
}
CLIENT_MAKERS = {"client", "new_client", "create_client"}


def _module(path: Path) -> str:
    if path.is_relative_to(NETCLUB):
        return ".".join(("netclub", *path.relative_to(NETCLUB).with_suffix("").parts)).removesuffix(".__init__")
    return f"functions.{path.parent.name}.app"


def _in_adapter(module: str, service: str) -> bool:
    return any(module == a or (a.endswith(".") and module.startswith(a)) for a in ADAPTERS[service])


def _snake(operation: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()


def _operations() -> dict[str, str]:
    """{client method: service} for every operation a netclub client calls (the cut service models' list)."""
    from local.aws_models import OPERATIONS

    methods = {_snake(op): service for service, ops in OPERATIONS.items() for op in ops}
    methods |= {"generate_presigned_url": "s3", "generate_presigned_post": "s3"}
    return methods


def _called(node: ast.Call) -> str:
    return node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id if isinstance(node.func, ast.Name) else ""


def _clients_made(tree: ast.Module) -> list[tuple[int, str | None]]:
    """(line, service) of each client made in a module (service None: not a literal, so not checkable)."""
    made = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called(node) in CLIENT_MAKERS:
            first = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg in ("service", "service_name")), None)
            made.append((node.lineno, first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None))
    return made


@pytest.mark.parametrize("path", CODE, ids=_module)
def test_each_aws_client_is_asked_for_only_in_its_service_adapter(path: Path) -> None:
    module = _module(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for line, service in _clients_made(tree):
        if module == "netclub.aws":
            continue  # where clients are made (its `client(service)` and `new_client(service, …)` pass the name on)
        assert service is not None, f"{module}:{line} makes a client of a service named at run time: name it, in its adapter"
        assert service in ADAPTERS, f"{module}:{line} uses {service}, which has no adapter (add one, and a row to ADAPTERS)"
        assert _in_adapter(module, service), f"{module}:{line} makes its own {service} client: call {ADAPTERS[service][0]} instead"


@pytest.mark.parametrize("path", CODE, ids=_module)
def test_each_aws_operation_is_called_only_in_its_service_adapter(path: Path) -> None:
    module = _module(path)
    methods = _operations()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = [(node.lineno, node.func.attr) for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)]
    outside = [(line, name, methods[name]) for line, name in calls if name in methods and not _in_adapter(module, methods[name])]
    assert not outside, f"{module} calls AWS operations outside their adapters: {outside}"


@pytest.mark.parametrize("path", CODE, ids=_module)
def test_only_netclub_aws_makes_clients_and_imports_the_sdk_that_does(path: Path) -> None:
    module = _module(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
    imported |= {f"{node.module}.{a.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module for a in node.names}
    sdk = {m for m in imported if m.split(".")[0] == "boto3" or m.startswith(("botocore.session", "botocore.client"))}
    if module != "netclub.aws":
        assert not sdk, f"{module} imports {sorted(sdk)}: clients are made in netclub.aws only"
    takes_clients = {m.rsplit(".", 1)[1] for m in imported if m in ("netclub.aws.client", "netclub.aws.new_client")}
    adapter = any(_in_adapter(module, service) for service in ADAPTERS)
    assert not takes_clients or adapter, f"{module} imports {sorted(takes_clients)} from netclub.aws: only the adapters do ({ADAPTERS})"


def test_the_adapter_checks_see_what_they_look_for() -> None:
    """The checks above are only as good as what they recognise: a service's own SES, SQS and S3 calls are flagged."""
    leak = ast.parse(
        "from netclub.aws import client\n"
        "client('sesv2').send_email(FromEmailAddress='a')\n"
        "sqs = client('sqs')\n"
        "sqs.receive_message(QueueUrl='q')\n"
        "client('s3').put_object(Bucket='b', Key='k')\n"
    )
    assert sorted(_clients_made(leak)) == [(2, "sesv2"), (3, "sqs"), (5, "s3")]
    methods = _operations()
    called = sorted(
        (n.lineno, methods[n.func.attr]) for n in ast.walk(leak) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in methods
    )
    assert called == [(2, "sesv2"), (4, "sqs"), (5, "s3")]
    assert not _in_adapter("netclub.services.newsletters", "sesv2") and not _in_adapter("netclub.services.newsletters", "sqs")
    assert _in_adapter("netclub.store.directory", "dynamodb") and not _in_adapter("netclub.store.directory", "s3")
    assert {"send_email", "send_message_batch", "put_object", "transact_write_items"} <= set(methods)


# --- one retry policy -------------------------------------------------------------------------------------------
#
# Nothing waits to try again but netclub.retry's policies. A module that sleeps does so for another reason, named
# here: equal answer times (so that timing never tells whether an address is registered) and send rates (SES's).

SLEEPS_FOR_ANOTHER_REASON = {
    ("netclub.clock", "answer_after"): "an answer that must not tell by its timing whether an address is registered",
    ("netclub.services.newsletters", "wait"): "the newsletter worker's share of SES's send rate (_Pacer)",
    ("netclub.services.member_import", "send_invitations"): "invitations paced under SES's send rate",
}


def _sleeps(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, enclosing function) of each call of something named sleep (time.sleep, an injected sleep)."""
    found = []
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and _called(node) == "sleep":
                    found.append((node.lineno, function.name))
    found += [
        (n.lineno, "")
        for n in tree.body
        if any(isinstance(c, ast.Call) and _called(c) == "sleep" for c in ast.walk(n))
        and not isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    ]
    return found


@pytest.mark.parametrize("path", CODE, ids=_module)
def test_no_module_writes_its_own_backoff(path: Path) -> None:
    module = _module(path)
    if module == "netclub.retry":
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = sorted({(line, function) for line, function in _sleeps(tree) if (module, function) not in SLEEPS_FOR_ANOTHER_REASON})
    assert not own, f"{module} sleeps at {own}: wait to try again through netclub.retry.policy(<use>).attempts()"
    jitter = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "uniform"]
    assert not jitter, f"{module} draws its own jitter (random.uniform at {jitter}): the retry policy jitters"


def test_the_sleeps_allowed_are_still_there() -> None:
    """An entry of SLEEPS_FOR_ANOTHER_REASON whose sleep went away goes too (the list stays the truth)."""
    present = {(_module(p), f) for p in CODE for _line, f in _sleeps(ast.parse(p.read_text(encoding="utf-8")))}
    assert set(SLEEPS_FOR_ANOTHER_REASON) <= present, set(SLEEPS_FOR_ANOTHER_REASON) - present


def test_every_retry_policy_named_in_the_code_exists_and_every_policy_is_used() -> None:
    from netclub import retry

    named = {
        (_module(p), n.args[0].value)
        for p in CODE
        for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(n, ast.Call) and _called(n) == "policy" and n.args and isinstance(n.args[0], ast.Constant)
    }
    unknown = {(m, name) for m, name in named if name not in retry.POLICIES}
    assert not unknown, f"policies used but not defined in netclub.retry.POLICIES: {unknown}"
    assert {name for _m, name in named} == set(retry.POLICIES), f"policies nobody uses: {set(retry.POLICIES) - {name for _m, name in named}}"
