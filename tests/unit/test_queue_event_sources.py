"""local/event_sources.py's SQS poller: which messages it deletes after an invocation, as Lambda does."""

from __future__ import annotations

from typing import Any

import pytest

from local import cfn, event_sources


class FakeSqs:
    def __init__(self, bodies: list[str]) -> None:
        self.visible = [{"MessageId": f"m{n}", "ReceiptHandle": f"r{n}", "Body": b, "MD5OfBody": "x", "Attributes": {}} for n, b in enumerate(bodies)]
        self.deleted: list[str] = []

    def receive_message(self, **kw: Any) -> dict[str, Any]:
        taken, self.visible = self.visible[: kw["MaxNumberOfMessages"]], self.visible[kw["MaxNumberOfMessages"] :]
        return {"Messages": taken}

    def delete_message_batch(self, QueueUrl: str, Entries: list[dict[str, str]]) -> dict[str, Any]:
        self.deleted += [e["ReceiptHandle"] for e in Entries]
        return {"Successful": Entries}


def _poller(sqs: FakeSqs, answer: Any, report: bool = True, batch: int = 3) -> event_sources.QueuePoller:
    mapping = event_sources.QueueMapping("M", "Fn", "Q", batch, report, 1)

    def invoke(function: str, event: dict[str, Any]) -> Any:
        assert function == "Fn" and all(r["eventSource"] == "aws:sqs" and r["eventSourceARN"] == "arn:q" for r in event["Records"])
        if isinstance(answer, Exception):
            raise answer
        return answer(event) if callable(answer) else answer

    return event_sources.QueuePoller(mapping, "https://q", "arn:q", sqs, "ap-northeast-1", invoke)


def test_reported_failures_stay_the_others_are_deleted() -> None:
    sqs = FakeSqs(["a", "b", "c"])
    poller = _poller(sqs, {"batchItemFailures": [{"itemIdentifier": "m1"}]})
    assert poller.poll() == 2
    assert sqs.deleted == ["r0", "r2"] and poller.failed_receipts == ["r1"]


def test_an_answer_naming_a_message_not_in_the_batch_fails_the_whole_batch() -> None:
    sqs = FakeSqs(["a", "b"])
    assert _poller(sqs, {"batchItemFailures": [{"itemIdentifier": "elsewhere"}]}).poll() == 0
    assert sqs.deleted == []


def test_a_raising_function_deletes_nothing_and_without_report_failures_a_success_deletes_all() -> None:
    sqs = FakeSqs(["a", "b"])
    assert _poller(sqs, RuntimeError("boom")).poll() == 0 and sqs.deleted == []
    sqs = FakeSqs(["a", "b"])
    assert _poller(sqs, {"batchItemFailures": [{"itemIdentifier": "m0"}]}, report=False).poll() == 2
    assert sqs.deleted == ["r0", "r1"]


def test_batches_are_at_most_batch_size() -> None:
    sqs = FakeSqs([str(n) for n in range(5)])
    sizes: list[int] = []
    assert _poller(sqs, lambda e: sizes.append(len(e["Records"])) or {}, batch=2).poll() == 5
    assert sizes == [2, 2, 1]


def test_the_templates_queue_mapping_is_read() -> None:
    found = {m.name: (m.function, m.queue, m.batch_size, m.report_failures, m.max_concurrency) for m in event_sources.queue_mappings(cfn.load())}
    assert found == {
        "NewsletterMapping": ("NewsletterWorkerFunction", "NewsletterQueue", 2, True, 2),
        "MemberImportMapping": ("MemberImportWorkerFunction", "MemberImportQueue", 1, True, 2),
        "ExportMapping": ("ExportWorkerFunction", "ExportQueue", 1, True, 2),
        "LotteryMapping": ("LotteryWorkerFunction", "LotteryQueue", 1, True, 2),
    }
    with pytest.raises(ValueError, match="Arn"):
        event_sources.queue_mappings(
            {
                "Resources": {
                    "Q": {"Type": "AWS::SQS::Queue"},
                    "F": {
                        "Type": "AWS::Serverless::Function",
                        "Properties": {"Events": {"E": {"Type": "SQS", "Properties": {"Queue": {"Fn::GetAtt": ["Q", "QueueName"]}}}}},
                    },
                }
            }
        )
