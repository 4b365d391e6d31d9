"""Lambda's event source mappings of template.yaml, as the local stack runs them (docs/architecture.md "Events
that are not HTTP"): a DynamoDB stream is read from moto's DynamoDB Streams and its records reach
the function in the shape Lambda gives them, after the mapping's FilterCriteria.

As on AWS: records are delivered in order, per shard, in batches of at most BatchSize; records that
no filter matches are dropped (they count as processed); a failed invocation is retried with the same
records (MaximumRetryAttempts, then the batch is given up and logged), and the shard waits meanwhile.
Only what the template uses is emulated: `AWS::Lambda::EventSourceMapping` on a table's StreamArn,
and the filter operators listed in `_OPERATORS` (any other is refused when the stack starts).

Queues (SQS): an `AWS::Lambda::EventSourceMapping` on a queue's Arn, or a function's SAM event
`Type: SQS`, is read from moto's SQS by ReceiveMessage and delivered in Lambda's SQS event shape, at
most BatchSize messages an invocation. As on AWS: when the function answers, the messages it
processed are deleted (with `ReportBatchItemFailures`, all but its `batchItemFailures`; an answer
naming a message that is not in the batch fails the whole batch); when it raises, none is deleted.
What is not deleted becomes visible again after the queue's visibility timeout and is delivered
again, and moto honours the queue's RedrivePolicy (after maxReceiveCount receives: the DLQ).
ScalingConfig.MaximumConcurrency is the number of pollers (each invokes one batch at a time).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from local.cfn import resources_of_type

_OPERATORS = {"prefix", "anything-but", "exists"}


@dataclass(frozen=True)
class StreamMapping:
    name: str  # the mapping's logical id
    function: str  # the function's logical id
    table: str  # the table's logical id
    starting_position: str  # TRIM_HORIZON / LATEST
    batch_size: int
    max_retries: int  # -1: until the record expires (here: forever)
    filters: tuple[Any, ...] = field(default=())  # parsed patterns; none: every record


def _logical(value: Any, attribute: str | None = None) -> str:
    """The logical id behind `!Ref X`, `!Ref X.Alias` (a function's published alias) or `!GetAtt X.attribute`."""
    if isinstance(value, dict) and "Ref" in value:
        return str(value["Ref"]).removesuffix(".Alias")
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        target = value["Fn::GetAtt"]
        name, att = (target.split(".", 1) if isinstance(target, str) else target)[:2]
        if attribute and att != attribute:
            raise ValueError(f"expected the {attribute} of a resource, got {att}")
        return str(name)
    raise ValueError(f"cannot tell the resource of {value!r}")


def _check_pattern(pattern: Any) -> None:
    if isinstance(pattern, dict):
        for value in pattern.values():
            _check_pattern(value)
    elif isinstance(pattern, list):
        for rule in pattern:
            if isinstance(rule, dict) and not set(rule) <= _OPERATORS:
                raise ValueError(f"filter operator(s) {sorted(set(rule) - _OPERATORS)} are not emulated locally")


def stream_mappings(template: dict[str, Any]) -> list[StreamMapping]:
    found = []
    for name, res in resources_of_type(template, "AWS::Lambda::EventSourceMapping").items():
        props = res["Properties"]
        source = props["EventSourceArn"]
        if _is_queue(template, source):
            continue  # queue_mappings
        if not (isinstance(source, dict) and "Fn::GetAtt" in source):
            raise ValueError(f"{name}: only a table's StreamArn or a queue's Arn is emulated locally")
        filters = []
        for f in (props.get("FilterCriteria") or {}).get("Filters") or []:
            pattern = json.loads(f["Pattern"])
            _check_pattern(pattern)
            filters.append(pattern)
        found.append(
            StreamMapping(
                name=name,
                function=_logical(props["FunctionName"]),
                table=_logical(source, "StreamArn"),
                starting_position=str(props.get("StartingPosition", "LATEST")),
                batch_size=int(props.get("BatchSize", 100)),
                max_retries=int(props.get("MaximumRetryAttempts", -1)),
                filters=tuple(filters),
            )
        )
    return found


# --- event filtering (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html) --------


def _matches_rule(rule: Any, value: Any, present: bool) -> bool:
    if isinstance(rule, dict):
        if "exists" in rule:
            return bool(rule["exists"]) == present
        if not present:
            return False
        if "prefix" in rule:
            return isinstance(value, str) and value.startswith(str(rule["prefix"]))
        if "anything-but" in rule:
            excluded = rule["anything-but"]
            return value not in (excluded if isinstance(excluded, list) else [excluded])
        return False
    return present and value == rule


def matches(pattern: Mapping[str, Any], event: Mapping[str, Any]) -> bool:
    """Whether `event` (one record as the function would get it) matches a filter pattern."""
    for key, expected in pattern.items():
        present = isinstance(event, Mapping) and key in event
        value = event.get(key) if present else None
        if isinstance(expected, dict):
            if not present or not isinstance(value, Mapping) or not matches(expected, value):
                return False
        elif isinstance(expected, list):
            values = value if isinstance(value, list) else [value]
            if not any(_matches_rule(rule, v, present) for rule in expected for v in values):
                return False
        else:
            return False
    return True


# --- records as Lambda gives them ---------------------------------------------------------------


def lambda_record(record: dict[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """A record of GetRecords (boto3) in the shape of Lambda's DynamoDB event."""
    body = dict(record["dynamodb"])
    created = body.get("ApproximateCreationDateTime")
    if isinstance(created, dt.datetime):
        body["ApproximateCreationDateTime"] = int(created.timestamp())
    return {
        "eventID": record.get("eventID"),
        "eventName": record["eventName"],
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": body,
        "eventSourceARN": stream_arn,
    }


Invoker = Callable[[str, dict[str, Any]], Any]  # (function logical id, event) -> result; raises on failure


class StreamReader:
    """One mapping's reader of one table's stream: `poll()` delivers what is new, once."""

    def __init__(self, mapping: StreamMapping, table_name: str, streams: Any, region: str, invoke: Invoker) -> None:
        self.mapping = mapping
        self.streams = streams  # a boto3 dynamodbstreams client
        self.region = region
        self.invoke = invoke
        found = streams.list_streams(TableName=table_name)["Streams"]
        if not found:
            raise ValueError(f"{table_name} has no stream (StreamSpecification)")
        self.stream_arn = found[0]["StreamArn"]
        shards = streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]
        self.iterators = {
            s["ShardId"]: streams.get_shard_iterator(StreamArn=self.stream_arn, ShardId=s["ShardId"], ShardIteratorType=mapping.starting_position)[
                "ShardIterator"
            ]
            for s in shards
        }
        self.delivered = 0
        self.given_up = 0

    def poll(self) -> int:
        """Read every shard to its end now, delivering in batches; the number of records delivered."""
        delivered = 0
        for shard in list(self.iterators):
            while True:
                answer = self.streams.get_records(ShardIterator=self.iterators[shard], Limit=self.mapping.batch_size)
                records = answer.get("Records") or []
                if records:
                    delivered += self._deliver([lambda_record(r, self.stream_arn, self.region) for r in records])
                self.iterators[shard] = answer.get("NextShardIterator") or self.iterators[shard]
                if len(records) < self.mapping.batch_size:
                    break
        self.delivered += delivered
        return delivered

    def _deliver(self, records: list[dict[str, Any]]) -> int:
        kept = [r for r in records if not self.mapping.filters or any(matches(p, r) for p in self.mapping.filters)]
        if not kept:
            return 0
        attempt = 0
        while True:
            try:
                self.invoke(self.mapping.function, {"Records": kept})
                return len(kept)
            except Exception:
                attempt += 1
                print(f"{self.mapping.name}: {self.mapping.function} failed on {len(kept)} record(s):\n{traceback.format_exc()}", flush=True)
                if 0 <= self.mapping.max_retries < attempt:
                    self.given_up += len(kept)
                    print(f"{self.mapping.name}: gave up {len(kept)} record(s) after {attempt} attempts", flush=True)
                    return 0
                time.sleep(min(0.2 * 2**attempt, 5.0))


def readers(template: dict[str, Any], table_name: Callable[[str], str], streams: Any, region: str, invoke: Invoker) -> list[StreamReader]:
    """A reader per mapping of the template, each starting where its StartingPosition says."""
    return [StreamReader(m, table_name(m.table), streams, region, invoke) for m in stream_mappings(template)]


def start_polling(found: list[StreamReader], stopping: threading.Event, interval: float = 0.5) -> list[threading.Thread]:
    """A daemon thread per reader polling every `interval` seconds, until `stopping` is set."""

    def run(reader: StreamReader) -> None:
        while not stopping.wait(interval):
            try:
                reader.poll()
            except Exception:  # moto restarting, a stream read failing: log and read again next time
                print(f"{reader.mapping.name}: reading the stream failed:\n{traceback.format_exc()}", flush=True)

    threads = [threading.Thread(target=run, args=(r,), name=f"stream-{r.mapping.name}", daemon=True) for r in found]
    for t in threads:
        t.start()
    return threads


# --- queues (SQS) -------------------------------------------------------------------------------


def _is_queue(template: dict[str, Any], source: Any) -> bool:
    if isinstance(source, dict) and "Fn::GetAtt" in source:
        target = source["Fn::GetAtt"]
        name = (target.split(".", 1) if isinstance(target, str) else target)[0]
        return bool(template.get("Resources", {}).get(name, {}).get("Type") == "AWS::SQS::Queue")
    return False


@dataclass(frozen=True)
class QueueMapping:
    name: str  # the mapping's logical id (or function.event of a SAM event)
    function: str  # the function's logical id
    queue: str  # the queue's logical id
    batch_size: int
    report_failures: bool  # FunctionResponseTypes: [ReportBatchItemFailures]
    max_concurrency: int  # ScalingConfig.MaximumConcurrency (pollers here)


def _queue_mapping(name: str, function: str, props: dict[str, Any]) -> QueueMapping:
    source = props.get("Queue", props.get("EventSourceArn"))
    return QueueMapping(
        name=name,
        function=function,
        queue=_logical(source, "Arn"),
        batch_size=int(props.get("BatchSize", 10)),
        report_failures="ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or []),
        max_concurrency=int((props.get("ScalingConfig") or {}).get("MaximumConcurrency", 2)),
    )


def queue_mappings(template: dict[str, Any]) -> list[QueueMapping]:
    found = []
    for name, res in resources_of_type(template, "AWS::Lambda::EventSourceMapping").items():
        props = res["Properties"]
        if _is_queue(template, props["EventSourceArn"]):
            found.append(_queue_mapping(name, _logical(props["FunctionName"]), props))
    for function, res in resources_of_type(template, "AWS::Serverless::Function").items():
        for event_name, event in (res["Properties"].get("Events") or {}).items():
            if event.get("Type") == "SQS":
                found.append(_queue_mapping(f"{function}.{event_name}", function, event["Properties"]))
    return found


def sqs_record(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """A message of ReceiveMessage (boto3) in the shape of Lambda's SQS event."""
    attributes = {
        str(k): str(v) for k, v in (message.get("Attributes") or {}).items()
    }  # ApproximateReceiveCount, SentTimestamp, SenderId, ApproximateFirstReceiveTimestamp
    message_attributes = {}
    for key, value in (message.get("MessageAttributes") or {}).items():
        converted = {"dataType": value.get("DataType")}
        if "StringValue" in value:
            converted["stringValue"] = value["StringValue"]
        if "BinaryValue" in value:
            converted["binaryValue"] = value["BinaryValue"]
        message_attributes[key] = converted | {"stringListValues": [], "binaryListValues": []}
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": attributes,
        "messageAttributes": message_attributes,
        "md5OfBody": message.get("MD5OfBody"),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


class QueuePoller:
    """One mapping's poller of one queue: `poll()` delivers what is visible now, batch by batch."""

    def __init__(self, mapping: QueueMapping, queue_url: str, queue_arn: str, sqs: Any, region: str, invoke: Invoker) -> None:
        self.mapping = mapping
        self.queue_url = queue_url
        self.queue_arn = queue_arn
        self.sqs = sqs  # a boto3 sqs client
        self.region = region
        self.invoke = invoke
        self.failed_receipts: list[str] = []  # of the last failures: what `redeliver_now` makes visible at once
        self.delivered = 0
        self.failed = 0

    def _receive(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        while len(messages) < self.mapping.batch_size:
            answer = self.sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=min(10, self.mapping.batch_size - len(messages)),
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
                WaitTimeSeconds=0,
            )
            got = answer.get("Messages") or []
            messages.extend(got)
            if not got:
                break
        return messages

    def poll(self) -> int:
        """Deliver every visible message now, in batches; the number of messages processed (deleted)."""
        processed = 0
        while True:
            messages = self._receive()
            if not messages:
                break
            processed += self._deliver(messages)
        self.delivered += processed
        return processed

    def _deliver(self, messages: list[dict[str, Any]]) -> int:
        records = [sqs_record(m, self.queue_arn, self.region) for m in messages]
        try:
            answer = self.invoke(self.mapping.function, {"Records": records})
        except Exception:
            print(f"{self.mapping.name}: {self.mapping.function} failed on {len(records)} message(s):\n{traceback.format_exc()}", flush=True)
            self._kept(messages)
            return 0
        failed_ids: set[str] = set()
        if self.mapping.report_failures and isinstance(answer, dict) and answer.get("batchItemFailures"):
            ids = {str((f or {}).get("itemIdentifier") or "") for f in answer["batchItemFailures"]}
            failed_ids = ids if ids <= {m["MessageId"] for m in messages} else {m["MessageId"] for m in messages}  # a bad answer: the whole batch
        done = [m for m in messages if m["MessageId"] not in failed_ids]
        for start in range(0, len(done), 10):
            chunk = done[start : start + 10]
            self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=[{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(chunk)])
        self._kept([m for m in messages if m["MessageId"] in failed_ids])
        return len(done)

    def _kept(self, messages: list[dict[str, Any]]) -> None:
        self.failed += len(messages)
        self.failed_receipts.extend(m["ReceiptHandle"] for m in messages)

    def redeliver_now(self) -> int:
        """Tests: the visibility timeout of the failed messages has passed (they are visible again)."""
        entries = [{"Id": str(n), "ReceiptHandle": receipt, "VisibilityTimeout": 0} for n, receipt in enumerate(self.failed_receipts)]
        self.failed_receipts.clear()
        count = 0
        for start in range(0, len(entries), 10):
            answer = self.sqs.change_message_visibility_batch(QueueUrl=self.queue_url, Entries=entries[start : start + 10])
            count += len(answer.get("Successful") or [])  # a failed one was deleted or moved to the DLQ meanwhile
        return count


def queue_pollers(template: dict[str, Any], resolver: Any, sqs: Any, region: str, invoke: Invoker) -> list[QueuePoller]:
    """A poller per queue mapping (resolver: local/cfn.py Resolver, for the queue's URL and Arn)."""
    return [QueuePoller(m, resolver.ref(m.queue), resolver.get_att(m.queue, "Arn"), sqs, region, invoke) for m in queue_mappings(template)]


def start_queue_polling(found: list[QueuePoller], stopping: threading.Event, interval: float = 0.5) -> list[threading.Thread]:
    """MaximumConcurrency daemon threads per poller, each polling every `interval` seconds, until `stopping` is set."""

    def run(poller: QueuePoller) -> None:
        while not stopping.wait(interval):
            try:
                poller.poll()
            except Exception:  # moto restarting: log and poll again next time
                print(f"{poller.mapping.name}: polling the queue failed:\n{traceback.format_exc()}", flush=True)

    threads = []
    for poller in found:
        for n in range(max(1, poller.mapping.max_concurrency)):
            thread = threading.Thread(target=run, args=(poller,), name=f"queue-{poller.mapping.name}-{n}", daemon=True)
            thread.start()
            threads.append(thread)
    return threads
