"""local/iam.py: AWS calls → the requests IAM evaluates, and the policy evaluation itself."""

from __future__ import annotations

import pytest

from local import iam

REGION, ACCOUNT = "ap-northeast-1", "123456789012"
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/T"


def _key(pk: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": pk}, "SK": {"S": "x"}}


def test_each_item_of_a_transaction_is_its_own_action() -> None:
    items = [
        {"Put": {"TableName": "T", "Item": _key("OFFERING#1")}},
        {"Update": {"TableName": "T", "Key": _key("RES#1")}},
        {"Delete": {"TableName": "T", "Key": _key("RES#2")}},
        {"ConditionCheck": {"TableName": "T", "Key": _key("OFFERING#1")}},
    ]
    requests = iam.requests_for("dynamodb", "TransactWriteItems", {"TransactItems": items}, REGION, ACCOUNT)
    assert [r.action for r in requests] == ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"]
    assert {r.resource for r in requests} == {TABLE}
    assert requests[0].context_values("dynamodb:LeadingKeys") == ("OFFERING#1",)


def test_a_query_on_an_index_is_on_the_index_arn_with_its_partition_value() -> None:
    params = {
        "TableName": "T",
        "IndexName": "GSI1",
        "KeyConditionExpression": "#pk = :pk AND begins_with(#sk, :sk)",
        "ExpressionAttributeValues": {":pk": {"S": "EVENTS"}, ":sk": {"S": "2026"}},
    }
    [request] = iam.requests_for("dynamodb", "Query", params, REGION, ACCOUNT)
    assert request.resource == f"{TABLE}/index/GSI1"
    assert request.context_values("dynamodb:LeadingKeys") == ("EVENTS",)


def test_s3_copy_reads_the_source_and_writes_the_target() -> None:
    requests = iam.requests_for("s3", "CopyObject", {"Bucket": "b", "Key": "attachments/k", "CopySource": {"Bucket": "b", "Key": "uploads/k"}}, REGION, ACCOUNT)
    assert [(r.action, r.resource) for r in requests] == [("s3:GetObject", "arn:aws:s3:::b/uploads/k"), ("s3:PutObject", "arn:aws:s3:::b/attachments/k")]
    [head] = iam.requests_for("s3", "HeadObject", {"Bucket": "b", "Key": "k"}, REGION, ACCOUNT)
    assert head.action == "s3:GetObject"


def test_ses_send_is_on_the_verified_identity_of_the_sender() -> None:
    """SES authorises a send against the address when the address is an identity, else against its verified
    domain: a grant on identity/<address> does not cover a send whose domain is the identity (as DKIM needs)."""
    send = {"FromEmailAddress": "Net Club <no-reply@netclub.example>", "ConfigurationSetName": "mail"}
    [on_address, _] = iam.requests_for("sesv2", "SendEmail", send, REGION, ACCOUNT, {"no-reply@netclub.example", "netclub.example"})
    assert on_address.resource == f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/no-reply@netclub.example"
    [on_domain, config] = iam.requests_for("sesv2", "SendEmail", send, REGION, ACCOUNT, {"netclub.example"})
    assert on_domain.resource == f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/netclub.example"
    assert config.resource == f"arn:aws:ses:{REGION}:{ACCOUNT}:configuration-set/mail"
    [parent] = iam.requests_for("sesv2", "SendEmail", {"FromEmailAddress": "a@mail.netclub.example"}, REGION, ACCOUNT, {"netclub.example"})
    assert parent.resource.endswith(":identity/netclub.example")
    assert on_domain.context_values("ses:FromAddress") == ("no-reply@netclub.example",)


def test_the_template_grants_mail_on_the_domain_identity_from_one_address() -> None:
    """Every mail function's grant names the identity SES will authorise (MailFrom's domain) and the one
    configuration set, held to MailFrom by ses:FromAddress: another From address of the domain is denied."""
    from local import cfn

    template = cfn.load()
    resolver = cfn.Resolver(template, {}, {}, REGION, ACCOUNT)
    identities = iam.ses_identities(template, resolver)
    assert identities == {"netclub.example"}  # the domain, not the address
    policy = iam.policies(template, resolver)["InquiriesCreateFunction"]
    send = {"FromEmailAddress": "no-reply@netclub.example", "ConfigurationSetName": resolver.ref("MailConfigurationSet")}
    assert all(policy.allows(r) for r in iam.requests_for("sesv2", "SendEmail", send, REGION, ACCOUNT, identities))
    other = {**send, "FromEmailAddress": "ceo@netclub.example"}
    assert not all(policy.allows(r) for r in iam.requests_for("sesv2", "SendEmail", other, REGION, ACCOUNT, identities))


def test_an_unknown_operation_is_not_guessed() -> None:
    with pytest.raises(iam.UnknownOperation):
        iam.requests_for("dynamodb", "ExecuteStatement", {}, REGION, ACCOUNT)


def _policy(*statements: dict[str, object]) -> iam.Policy:
    return iam.Policy(
        [
            iam.Statement(
                effect=str(s.get("Effect", "Allow")),
                actions=list(s.get("Action", [])),  # type: ignore[call-overload]
                resources=list(s.get("Resource", [])),  # type: ignore[call-overload]
                conditions=s.get("Condition", {}),  # type: ignore[arg-type]
            )
            for s in statements
        ]
    )


def test_actions_and_resources_match_as_iam_matches_them() -> None:
    policy = _policy({"Action": ["dynamodb:Get*"], "Resource": [f"{TABLE}/index/*"]})
    assert policy.allows(iam.Request("dynamodb:GetItem", f"{TABLE}/index/GSI1"))
    assert policy.allows(iam.Request("DynamoDB:getitem", f"{TABLE}/index/GSI2"))  # actions ignore case
    assert not policy.allows(iam.Request("dynamodb:GetItem", TABLE))  # the table is not its indexes
    assert not policy.allows(iam.Request("dynamodb:PutItem", f"{TABLE}/index/GSI1"))
    denied = _policy({"Action": ["dynamodb:*"], "Resource": ["*"]}, {"Effect": "Deny", "Action": ["dynamodb:DeleteItem"], "Resource": [TABLE]})
    assert denied.allows(iam.Request("dynamodb:PutItem", TABLE))
    assert not denied.allows(iam.Request("dynamodb:DeleteItem", TABLE))  # an explicit Deny wins


def test_leading_keys_conditions() -> None:
    policy = _policy(
        {
            "Action": ["dynamodb:Query"],
            "Resource": [f"{TABLE}/index/GSI1"],
            "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["EVENT#*", "EVENTS"]}},
        }
    )
    leading = (("dynamodb:LeadingKeys", ("EVENTS",)),)
    assert policy.allows(iam.Request("dynamodb:Query", f"{TABLE}/index/GSI1", leading))
    assert not policy.allows(iam.Request("dynamodb:Query", f"{TABLE}/index/GSI1", (("dynamodb:LeadingKeys", ("EMAIL#a@b",)),)))
    equals = _policy({"Action": ["dynamodb:PutItem"], "Resource": [TABLE], "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["OUTBOX"]}}})
    assert equals.allows(iam.Request("dynamodb:PutItem", TABLE, (("dynamodb:LeadingKeys", ("OUTBOX",)),)))
    assert not equals.allows(iam.Request("dynamodb:PutItem", TABLE, (("dynamodb:LeadingKeys", ("MEMBER#1",)),)))
    with pytest.raises(ValueError, match="not evaluated"):
        iam.Statement("Allow", ["x:Y"], ["*"], conditions={"NumericLessThan": {"k": ["1"]}})
