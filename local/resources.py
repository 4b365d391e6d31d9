"""Create the template's tables, bucket and mail identity in moto (one source of truth)."""

from __future__ import annotations

from typing import Any

from local.cfn import Resolver, resources_of_type

ACCOUNT = "123456789012"


def physical_names(template: dict[str, Any], prefix: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for name, res in template.get("Resources", {}).items():
        kind = res.get("Type", "")
        if kind == "AWS::DynamoDB::Table":
            names[name] = f"{prefix}-{name}"
        elif kind == "AWS::S3::Bucket":
            names[name] = f"{prefix}-{name}".lower()
        elif kind == "AWS::Serverless::Function":
            names[name] = f"{prefix}-{name}"
    return names


def table_definitions(template: dict[str, Any], resolver: Resolver) -> list[dict[str, Any]]:
    """create_table arguments for every AWS::DynamoDB::Table of the template."""
    tables = []
    for name, res in resources_of_type(template, "AWS::DynamoDB::Table").items():
        props = resolver.resolve(res["Properties"])
        args: dict[str, Any] = {
            "TableName": resolver.ref(name),
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if props.get("GlobalSecondaryIndexes"):
            args["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        if props.get("StreamSpecification"):  # local/event_sources.py reads it as Lambda's event source mapping does
            args["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
        tables.append({"create": args, "ttl": props.get("TimeToLiveSpecification")})
    return tables


def _cors_rule(rule: dict[str, Any], origin: str) -> dict[str, Any]:
    """CloudFormation's CorsRule → the S3 API's (MaxAge → MaxAgeSeconds, ExposedHeaders → ExposeHeaders)."""
    converted: dict[str, Any] = {"AllowedMethods": rule["AllowedMethods"], "AllowedOrigins": [origin]}
    if "AllowedHeaders" in rule:
        converted["AllowedHeaders"] = rule["AllowedHeaders"]
    if "ExposedHeaders" in rule:
        converted["ExposeHeaders"] = rule["ExposedHeaders"]
    if "MaxAge" in rule:
        converted["MaxAgeSeconds"] = int(rule["MaxAge"])
    return converted


def create_all(template: dict[str, Any], resolver: Resolver, session: Any, frontend_origin: str) -> None:
    """Make the resources in the AWS that `session` (boto3) reaches: moto's server or mock_aws."""
    dynamodb = session.client("dynamodb")
    for table in table_definitions(template, resolver):
        dynamodb.create_table(**table["create"])
        if table["ttl"]:
            dynamodb.update_time_to_live(TableName=table["create"]["TableName"], TimeToLiveSpecification=table["ttl"])
    s3 = session.client("s3")
    for name, res in resources_of_type(template, "AWS::S3::Bucket").items():
        bucket = resolver.ref(name)
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": resolver.region})
        props = resolver.resolve(res.get("Properties", {}))
        cors = props.get("CorsConfiguration")
        if cors:
            rules = [_cors_rule(rule, frontend_origin) for rule in cors["CorsRules"]]
            s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
        lifecycle = props.get("LifecycleConfiguration")
        if lifecycle:
            rules = []
            for rule in lifecycle["Rules"]:
                converted: dict[str, Any] = {"ID": rule["Id"], "Status": rule["Status"], "Filter": {"Prefix": rule.get("Prefix", "")}}
                if "ExpirationInDays" in rule:
                    converted["Expiration"] = {"Days": int(rule["ExpirationInDays"])}  # a Ref to a Number parameter resolves to text
                if "AbortIncompleteMultipartUpload" in rule:
                    converted["AbortIncompleteMultipartUpload"] = rule["AbortIncompleteMultipartUpload"]
                rules.append(converted)
            s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
    sesv2 = session.client("sesv2")
    for _, res in resources_of_type(template, "AWS::SES::EmailIdentity").items():
        identity = resolver.resolve(res["Properties"]["EmailIdentity"])
        sesv2.create_email_identity(EmailIdentity=identity)
