"""local/moto_patches.py: a cancelled transaction leaves every item as it was, without copying the table."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from local import moto_patches


def _item(client: Any, pk: str) -> dict[str, Any] | None:
    return client.get_item(TableName="T", Key={"PK": {"S": pk}}, ConsistentRead=True).get("Item")


def test_a_cancelled_transaction_puts_every_item_back() -> None:
    moto_patches.install()
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-northeast-1")
        client.create_table(
            TableName="T",
            AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        for n in range(300):
            client.put_item(TableName="T", Item={"PK": {"S": f"filler{n}"}})
        client.put_item(TableName="T", Item={"PK": {"S": "updated"}, "n": {"N": "1"}})
        client.put_item(TableName="T", Item={"PK": {"S": "deleted"}, "n": {"N": "2"}})
        with pytest.raises(ClientError) as failed:
            client.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": "T", "Item": {"PK": {"S": "new"}}}},
                    {
                        "Update": {
                            "TableName": "T",
                            "Key": {"PK": {"S": "updated"}},
                            "UpdateExpression": "SET n = :n",
                            "ExpressionAttributeValues": {":n": {"N": "9"}},
                        }
                    },
                    {"Delete": {"TableName": "T", "Key": {"PK": {"S": "deleted"}}}},
                    {"ConditionCheck": {"TableName": "T", "Key": {"PK": {"S": "missing"}}, "ConditionExpression": "attribute_exists(PK)"}},
                ]
            )
        assert failed.value.response["Error"]["Code"] == "TransactionCanceledException"
        assert _item(client, "new") is None
        assert _item(client, "updated") == {"PK": {"S": "updated"}, "n": {"N": "1"}}
        assert _item(client, "deleted") == {"PK": {"S": "deleted"}, "n": {"N": "2"}}
        # and one that holds is applied whole
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "T", "Item": {"PK": {"S": "new"}}}},
                {"Delete": {"TableName": "T", "Key": {"PK": {"S": "deleted"}}}},
            ]
        )
        assert _item(client, "new") is not None and _item(client, "deleted") is None
        assert client.describe_table(TableName="T")["Table"]["ItemCount"] == 302
