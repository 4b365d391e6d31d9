"""Operable by default (issue 26): template.yaml is read and every background function, dead-letter queue,
line the code writes for a person and mail-sending function is held to what operations needs.

- a background function (a schedule, SNS, a queue or a stream calls it) has an alarm on its errors and its
  throttles, sent to OpsTopic;
- an asynchronous invocation (schedule, SNS) has a failure destination (Lambda's EventInvokeConfig), and its
  delivery one too (EventBridge's dead-letter queue, SNS's redrive policy); a queue mapping's queue has a
  dead-letter queue; a stream mapping an on-failure destination and an iterator-age alarm;
- every queue that receives failures (a dead-letter queue, a failure destination) has a depth alarm;
- every `WORDS IN CAPITALS:` line the code logs (a person must act) has a metric filter and an alarm;
- a function that sends mail goes through the one configuration set, with a grant on it and on the domain
  identity SES authorises;
- every log group expires; every alarm tells OpsTopic.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

from local import cfn

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = cfn.load()
RESOURCES: dict[str, dict[str, Any]] = TEMPLATE["Resources"]
FUNCTIONS = cfn.resources_of_type(TEMPLATE, "AWS::Serverless::Function")
MAPPINGS = cfn.resources_of_type(TEMPLATE, "AWS::Lambda::EventSourceMapping")
ALARMS = cfn.resources_of_type(TEMPLATE, "AWS::CloudWatch::Alarm")
FILTERS = cfn.resources_of_type(TEMPLATE, "AWS::Logs::MetricFilter")
OPS = {"Ref": "OpsTopic"}
# a line whose alarm is another one (the same event seen another way)
COVERED_OTHERWISE = {"NEWSLETTER DLQ": "NewsletterDeadLetterAlarm"}


def _mapped_function(mapping: dict[str, Any]) -> str:
    target = mapping["Properties"]["FunctionName"]
    name = target.get("Ref", "") if isinstance(target, dict) else str(target)
    return name.split(".")[0]


def _background() -> dict[str, set[str]]:
    """Function → how it is called when not through the API (Schedule, SNS, SQS, stream)."""
    found: dict[str, set[str]] = {}
    for name, resource in FUNCTIONS.items():
        kinds = {e["Type"] for e in (resource["Properties"].get("Events") or {}).values() if e["Type"] != "Api"}
        if kinds:
            found[name] = kinds
    for mapping in MAPPINGS.values():
        source = str(mapping["Properties"]["EventSourceArn"])
        found.setdefault(_mapped_function(mapping), set()).add("stream" if "StreamArn" in source else "SQS")
    return found


def _metrics_of(alarm: dict[str, Any]) -> list[dict[str, Any]]:
    """(Namespace, MetricName, Dimensions) of an alarm, plain or metric math."""
    props = alarm["Properties"]
    if "MetricName" in props:
        return [{"Namespace": props["Namespace"], "MetricName": props["MetricName"], "Dimensions": props.get("Dimensions", [])}]
    return [m["MetricStat"]["Metric"] for m in props.get("Metrics", []) if "MetricStat" in m]


def _alarmed(namespace: str, metric: str, dimension: dict[str, Any] | None = None) -> list[str]:
    return [
        name
        for name, alarm in ALARMS.items()
        for m in _metrics_of(alarm)
        if m["Namespace"] == namespace and m["MetricName"] == metric and (dimension is None or dimension in m.get("Dimensions", []))
    ]


def test_every_alarm_tells_the_operations_topic() -> None:
    assert len(ALARMS) >= 20
    quiet = [name for name, alarm in ALARMS.items() if OPS not in alarm["Properties"].get("AlarmActions", [])]
    assert quiet == []
    assert RESOURCES["OpsEmailSubscription"]["Properties"]["Endpoint"] == {"Ref": "OpsEmail"}


def test_the_background_functions_are_known() -> None:
    background = _background()
    assert {"MailRetryFunction", "RemindersFunction", "NewsletterWorkerFunction", "SesEventsFunction", "MemberIndexFunction"} <= set(background)
    assert background["MemberIndexFunction"] == {"Schedule", "stream"}


@pytest.mark.parametrize("function", sorted(_background()))
def test_a_background_function_has_alarms_on_its_errors_and_throttles(function: str) -> None:
    dimension = {"Name": "FunctionName", "Value": {"Ref": function}}
    assert _alarmed("AWS/Lambda", "Errors", dimension), f"{function}: no alarm on its Errors"
    assert _alarmed("AWS/Lambda", "Throttles", dimension), f"{function}: no alarm on its Throttles"


@pytest.mark.parametrize("function", sorted(f for f, kinds in _background().items() if kinds & {"Schedule", "SNS"}))
def test_an_asynchronous_invocation_has_a_failure_destination(function: str) -> None:
    props = FUNCTIONS[function]["Properties"]
    destination = (((props.get("EventInvokeConfig") or {}).get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
    assert destination, f"{function}: a failed asynchronous invocation would be dropped after Lambda's retries"
    for name, event in (props.get("Events") or {}).items():
        if event["Type"] == "Schedule":
            assert event["Properties"].get("DeadLetterConfig"), f"{function}.{name}: EventBridge's undeliverable event would be dropped"
            assert event["Properties"].get("RetryPolicy"), f"{function}.{name}: no retry policy"
        if event["Type"] == "SNS":
            assert (event["Properties"].get("RedrivePolicy") or {}).get("deadLetterTargetArn"), f"{function}.{name}: SNS's undeliverable message dropped"


def _queue_of(arn: Any) -> str:
    return str(arn["Fn::GetAtt"][0]) if isinstance(arn, dict) and "Fn::GetAtt" in arn else str(arn)


@pytest.mark.parametrize("mapping", sorted(MAPPINGS))
def test_a_mapping_keeps_what_it_gives_up(mapping: str) -> None:
    props = MAPPINGS[mapping]["Properties"]
    source = props["EventSourceArn"]
    if "StreamArn" in str(source):
        assert ((props.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination"), f"{mapping}: a given-up batch is lost"
        function = _mapped_function(MAPPINGS[mapping])
        assert _alarmed("AWS/Lambda", "IteratorAge", {"Name": "FunctionName", "Value": {"Ref": function}}), f"{function}: no iterator-age alarm"
    else:
        queue = RESOURCES[_queue_of(source)]["Properties"]
        assert (queue.get("RedrivePolicy") or {}).get("deadLetterTargetArn"), f"{mapping}: its queue has no dead-letter queue"


def _failure_queues() -> set[str]:
    """Every queue that receives what failed: dead-letter targets, on-failure destinations, EventBridge DLQs."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("deadLetterTargetArn", "Destination"):
                    found.add(_queue_of(value))
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(RESOURCES)
    for name, resource in FUNCTIONS.items():
        for event in (resource["Properties"].get("Events") or {}).values():
            arn = (event["Properties"].get("DeadLetterConfig") or {}).get("Arn")
            if arn:
                found.add(_queue_of(arn))
    return {q for q in found if RESOURCES.get(q, {}).get("Type") == "AWS::SQS::Queue"}


def test_every_failure_queue_has_a_depth_alarm() -> None:
    queues = _failure_queues()
    assert {"NewsletterDeadLetterQueue", "MemberImportDeadLetterQueue", "FailedInvocationsQueue"} <= queues
    silent = [
        q
        for q in sorted(queues)
        if not _alarmed("AWS/SQS", "ApproximateNumberOfMessagesVisible", {"Name": "QueueName", "Value": {"Fn::GetAtt": [q, "QueueName"]}})
    ]
    assert silent == []


def _lines_for_a_person() -> set[str]:
    """`WORDS IN CAPITALS:` at the start of a string the code logs at warning or above."""
    phrases: set[str] = set()
    for path in [*(ROOT / "layers/common/netclub").rglob("*.py"), *(ROOT / "functions").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("error", "warning", "critical", "exception"):
                for arg in node.args[:1]:
                    text = arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None
                    if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
                        text = str(arg.values[0].value)
                    found = re.match(r"([A-Z]{3,}(?: [A-Z]{3,})+):", text or "")
                    if found:
                        phrases.add(found.group(1))
    return phrases


def test_every_line_that_asks_a_person_to_act_is_alarmed() -> None:
    phrases = _lines_for_a_person()
    assert {"MAIL LOST", "MAIL PARKED", "MAIL PAUSED", "NEWSLETTER PAUSED"} <= phrases
    missing = []
    for phrase in sorted(phrases):
        if phrase in COVERED_OTHERWISE:
            assert COVERED_OTHERWISE[phrase] in ALARMS
            continue
        metrics = [
            t["MetricName"]
            for f in FILTERS.values()
            if f'"{phrase}"' in f["Properties"]["FilterPattern"] and f["Properties"]["LogGroupName"] == {"Ref": "FunctionsLogGroup"}
            for t in f["Properties"]["MetricTransformations"]
        ]
        if not metrics or not any(_alarmed("NetclubPortal", m) for m in metrics):
            missing.append(phrase)
    assert missing == [], f"lines for a person without a metric filter and an alarm: {missing}"


def _env(props: dict[str, Any]) -> dict[str, Any]:
    return dict((props.get("Environment") or {}).get("Variables") or {})


def _ses_statements(props: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for p in props.get("Policies") or [] for s in p.get("Statement", []) if any(str(a).startswith("ses:") for a in s["Action"])]


def test_every_mail_goes_through_the_one_configuration_set_on_the_domain_identity() -> None:
    senders = {name for name, r in FUNCTIONS.items() if _ses_statements(r["Properties"])}
    assert len(senders) >= 25
    for name, resource in FUNCTIONS.items():
        props = resource["Properties"]
        env = _env(props)
        if name not in senders:
            assert "MAIL_FROM" not in env, f"{name}: MAIL_FROM without a grant to send"
            continue
        assert env.get("MAIL_CONFIGURATION_SET") == {"Ref": "MailConfigurationSet"}, name
        for statement in _ses_statements(props):
            resources = " ".join(str(r) for r in statement["Resource"])
            assert "identity/${MailDomainIdentity}" in resources and "configuration-set/${MailConfigurationSet}" in resources, name
            assert statement["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "MailFrom"}}}, name
    assert len(cfn.resources_of_type(TEMPLATE, "AWS::SES::ConfigurationSet")) == 1
    identity = RESOURCES["MailDomainIdentity"]["Properties"]
    assert identity["EmailIdentity"] == {"Fn::Select": [1, {"Fn::Split": ["@", {"Ref": "MailFrom"}]}]}  # the domain
    assert identity["DkimAttributes"]["SigningEnabled"] is True and "MailFromDomain" in identity["MailFromAttributes"]
    destination = next(iter(cfn.resources_of_type(TEMPLATE, "AWS::SES::ConfigurationSetEventDestination").values()))["Properties"]
    assert set(destination["EventDestination"]["MatchingEventTypes"]) >= {"bounce", "complaint"}


def test_ses_can_publish_to_its_encrypted_topic() -> None:
    """SES publishes to a KMS-encrypted topic only when the key policy lets ses.amazonaws.com use the key; an
    AWS-managed key's (alias/aws/sns) cannot be changed."""
    key = RESOURCES["SesEventsTopic"]["Properties"].get("KmsMasterKeyId")
    if key is None:
        return  # unencrypted is an allowed choice
    assert not str(key).startswith("alias/aws/"), "SES cannot use an AWS-managed key"
    policy = RESOURCES[key["Ref"]]["Properties"]["KeyPolicy"]["Statement"]
    ses = [s for s in policy if s.get("Principal") == {"Service": "ses.amazonaws.com"}]
    assert ses and {"kms:GenerateDataKey*", "kms:Decrypt"} <= set(ses[0]["Action"])


def test_every_log_group_expires_and_the_functions_log_into_one() -> None:
    for name, group in cfn.resources_of_type(TEMPLATE, "AWS::Logs::LogGroup").items():
        assert "RetentionInDays" in group["Properties"], name
    assert TEMPLATE["Globals"]["Function"]["LoggingConfig"] == {"LogGroup": {"Ref": "FunctionsLogGroup"}}
    overriding = [n for n, r in FUNCTIONS.items() if "LoggingConfig" in r["Properties"]]
    assert overriding == []


def test_the_api_and_ses_reputation_are_alarmed() -> None:
    assert _alarmed("AWS/ApiGateway", "5XXError")
    bounce = ALARMS[_alarmed("AWS/SES", "Reputation.BounceRate")[0]]["Properties"]
    complaint = ALARMS[_alarmed("AWS/SES", "Reputation.ComplaintRate")[0]]["Properties"]
    assert float(bounce["Threshold"]) < 0.05 and float(complaint["Threshold"]) < 0.001  # below AWS's review levels (5%, 0.1%)
    api = RESOURCES["Api"]["Properties"]["Name"]
    five = ALARMS["Api5xxAlarm"]["Properties"]["Dimensions"]
    assert {"Name": "ApiName", "Value": api} in five
