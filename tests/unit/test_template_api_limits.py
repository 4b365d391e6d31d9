"""Platform limits (issue 26, item 5): API Gateway's REST integration answers after at most 29 s, so no function
behind an `Api` event may be given longer; long or large work (exports, the lottery, imports) runs in a
background function instead and is fetched from S3 or polled."""

from __future__ import annotations

from local import cfn

API_GATEWAY_LIMIT_SECONDS = 29
EXEMPT: set[str] = set()


def test_every_function_behind_the_api_answers_within_api_gateways_limit() -> None:
    template = cfn.load()
    default = int(template["Globals"]["Function"].get("Timeout", 3))
    assert default <= API_GATEWAY_LIMIT_SECONDS
    too_long = {}
    behind_the_api = set()
    for name, resource in cfn.resources_of_type(template, "AWS::Serverless::Function").items():
        events = resource["Properties"].get("Events") or {}
        if not any(event.get("Type") == "Api" for event in events.values()):
            continue
        behind_the_api.add(name)
        timeout = int(resource["Properties"].get("Timeout", default))
        if timeout > API_GATEWAY_LIMIT_SECONDS and name not in EXEMPT:
            too_long[name] = timeout
    assert {"AdminExportsFunction", "AdminLotteryRunFunction", "AdminMemberImportsFunction"} <= behind_the_api
    assert behind_the_api >= EXEMPT, "an exemption of a function that is no longer behind the API: remove it"
    assert too_long == {}, f"functions behind API Gateway (29 s) given longer: {too_long}; move the work to the background"


def test_the_background_functions_of_long_work_have_their_dead_letter_queue_and_alarms() -> None:
    template = cfn.load()
    resources = template["Resources"]
    for worker, queue, dlq, stuck, errors in (
        ("ExportWorkerFunction", "ExportQueue", "ExportDeadLetterQueue", "ExportStuckAlarm", "ExportWorkerFailingAlarm"),
        ("LotteryWorkerFunction", "LotteryQueue", "LotteryDeadLetterQueue", "LotteryStuckAlarm", "LotteryWorkerFailingAlarm"),
        ("MemberImportWorkerFunction", "MemberImportQueue", "MemberImportDeadLetterQueue", "MemberImportStuckAlarm", "MemberImportWorkerFailingAlarm"),
    ):
        assert resources[queue]["Properties"]["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": [dlq, "Arn"]}, queue
        timeout = int(resources[worker]["Properties"]["Timeout"])
        assert int(resources[queue]["Properties"]["VisibilityTimeout"]) >= 6 * timeout, queue  # as Lambda advises
        assert resources[stuck]["Properties"]["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq, "QueueName"]}}], stuck
        errors_metric = [m["MetricStat"]["Metric"] for m in resources[errors]["Properties"]["Metrics"] if m["Id"] == "errors"]
        assert errors_metric[0]["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": worker}}], errors  # errors + throttles (test_operability)
        for alarm in (stuck, errors):
            assert resources[alarm]["Properties"]["AlarmActions"] == [{"Ref": "OpsTopic"}], alarm
