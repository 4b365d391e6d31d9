"""Read template.yaml (CloudFormation short tags included) and resolve the intrinsics the stack needs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"


class _Loader(yaml.SafeLoader):
    pass


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_Loader.add_multi_constructor("!", _tag)


def load(path: Path = TEMPLATE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader)  # noqa: S506 - SafeLoader subclass


class Resolver:
    """Resolves Ref / GetAtt / Sub against local physical names and parameter values."""

    def __init__(self, template: dict[str, Any], names: dict[str, str], parameters: dict[str, str], region: str, account: str) -> None:
        self.template = template
        self.names = names
        self.parameters = {k: str(v.get("Default", "")) for k, v in template.get("Parameters", {}).items()} | parameters
        self.region = region
        self.account = account

    def ref(self, name: str) -> str:
        if name in self.parameters:
            return self.parameters[name]
        resource = self.template.get("Resources", {}).get(name, {})
        if resource.get("Type") == "AWS::SQS::Queue":  # Ref of a queue is its URL
            return self.queue_url(name)
        if resource.get("Type") == "AWS::SES::EmailIdentity":  # Ref of an identity is the identity (address or domain)
            return str(self.resolve(resource["Properties"]["EmailIdentity"]))
        if name == "AWS::Region":
            return self.region
        if name == "AWS::AccountId":
            return self.account
        if name == "AWS::Partition":
            return "aws"
        return self.names.get(name, name)

    def queue_url(self, name: str) -> str:
        return f"https://sqs.{self.region}.amazonaws.com/{self.account}/{self.names.get(name, name)}"

    def get_att(self, name: str, attribute: str) -> str:
        kind = self.template["Resources"].get(name, {}).get("Type", "")
        if kind == "AWS::SQS::Queue":
            physical = self.names.get(name, name)
            if attribute == "QueueName":
                return physical
            if attribute == "QueueUrl":
                return self.queue_url(name)
            return f"arn:aws:sqs:{self.region}:{self.account}:{physical}"
        physical = self.ref(name)
        if kind == "AWS::DynamoDB::Table":
            if attribute == "StreamArn":  # the stream's label is known only once the table exists
                return f"arn:aws:dynamodb:{self.region}:{self.account}:table/{physical}/stream/*"
            return f"arn:aws:dynamodb:{self.region}:{self.account}:table/{physical}"
        if kind == "AWS::S3::Bucket":
            if attribute == "DomainName":
                return f"{physical}.s3.amazonaws.com"
            if attribute == "RegionalDomainName":
                return f"{physical}.s3.{self.region}.amazonaws.com"
            return f"arn:aws:s3:::{physical}"
        return f"arn:aws:lambda:{self.region}:{self.account}:function:{physical}"

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict):
            if "Ref" in value:
                return self.ref(value["Ref"])
            if "Fn::GetAtt" in value:
                name, attribute = value["Fn::GetAtt"]
                return self.get_att(name, attribute)
            if "Fn::Select" in value:
                index, items = value["Fn::Select"]
                return self.resolve(items)[int(index)]
            if "Fn::Split" in value:
                delimiter, text = value["Fn::Split"]
                return str(self.resolve(text)).split(delimiter)
            if "Fn::Sub" in value:
                text = value["Fn::Sub"] if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"][0]
                variables = {} if isinstance(value["Fn::Sub"], str) else {k: str(self.resolve(v)) for k, v in value["Fn::Sub"][1].items()}

                def sub(match: re.Match[str]) -> str:
                    token = match.group(1)
                    if token in variables:
                        return variables[token]
                    if "." in token:
                        return self.get_att(*token.split(".", 1))
                    return self.ref(token)

                return re.sub(r"\$\{([^}]+)\}", sub, text)
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value


def resources_of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: res for name, res in template.get("Resources", {}).items() if res.get("Type") == kind}


def policy_headers(config: dict[str, Any]) -> dict[str, str]:
    """The headers a CloudFront ResponseHeadersPolicyConfig (resolved) adds to an answer, as CloudFront writes them."""
    headers: dict[str, str] = {}
    security = config.get("SecurityHeadersConfig") or {}
    if "ContentSecurityPolicy" in security:
        headers["Content-Security-Policy"] = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    if "StrictTransportSecurity" in security:
        hsts = security["StrictTransportSecurity"]
        value = f"max-age={hsts['AccessControlMaxAgeSec']}"
        if str(hsts.get("IncludeSubdomains", False)).lower() == "true":
            value += "; includeSubDomains"
        if str(hsts.get("Preload", False)).lower() == "true":
            value += "; preload"
        headers["Strict-Transport-Security"] = value
    if "FrameOptions" in security:
        headers["X-Frame-Options"] = security["FrameOptions"]["FrameOption"]
    if "ContentTypeOptions" in security:
        headers["X-Content-Type-Options"] = "nosniff"
    if "ReferrerPolicy" in security:
        headers["Referrer-Policy"] = security["ReferrerPolicy"]["ReferrerPolicy"]
    for item in (config.get("CustomHeadersConfig") or {}).get("Items", []):
        headers[item["Header"]] = item["Value"]
    return headers


def edge_headers(template: dict[str, Any], resolver: Resolver) -> dict[str, dict[str, str]]:
    """What the distribution's response headers policies add, by cache behaviour path pattern ("*" the default):
    the local gateway sends the same, so the front end runs under the deployed CSP."""
    distribution = next(iter(resources_of_type(template, "AWS::CloudFront::Distribution").values()))["Properties"]["DistributionConfig"]
    behaviours = {"*": distribution["DefaultCacheBehavior"]} | {b["PathPattern"]: b for b in distribution.get("CacheBehaviors", [])}
    answer: dict[str, dict[str, str]] = {}
    for pattern, behaviour in behaviours.items():
        policy = behaviour.get("ResponseHeadersPolicyId")
        if isinstance(policy, dict) and "Ref" in policy:
            config = template["Resources"][policy["Ref"]]["Properties"]["ResponseHeadersPolicyConfig"]
            answer[pattern] = policy_headers(resolver.resolve(config))
        else:  # a managed policy id: not known locally
            answer[pattern] = {}
    return answer
