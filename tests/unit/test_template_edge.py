"""template.yaml's edge protections: security headers, WAF, access logs, TLS (issue 10, finding 6).

`sam validate --lint` proves the resources are well formed; these pin what they must say.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from local import cfn

TEMPLATE = cfn.load()
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
MANAGED_SECURITY_HEADERS = "67f7725c-6f97-4210-82d7-5512b31e9d03"
RATE_LIMITED = ["/api/auth/login", "/api/auth/logout", "/api/password-reset", "/api/password-reset/confirm", "/api/registrations", "/api/registrations/confirm"]
NOT_RATE_LIMITED = ["/api/me", "/api/events", "/api/profile", "/api/admin/members", "/api/inquiries", "/auth/login", "/api/authx"]


def props(name: str) -> dict[str, Any]:
    return RESOURCES[name]["Properties"]


def distribution() -> dict[str, Any]:
    return props("Distribution")["DistributionConfig"]


def frontend_csp() -> dict[str, list[str]]:
    config = props("FrontendHeadersPolicy")["ResponseHeadersPolicyConfig"]
    text = config["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    directives = [d.split() for d in text.split(";")]
    return {d[0]: d[1:] for d in directives if d}


def waf_rules() -> dict[str, dict[str, Any]]:
    return {rule["Name"]: rule for rule in props("ApiWebAcl")["Rules"]}


# ---------------------------------------------------------------- headers
def test_every_behaviour_uses_the_stacks_own_headers_policies() -> None:
    config = distribution()
    assert config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] == {"Ref": "FrontendHeadersPolicy"}
    api = next(b for b in config["CacheBehaviors"] if b["PathPattern"] == "/api/*")
    assert api["ResponseHeadersPolicyId"] == {"Ref": "ApiHeadersPolicy"}
    assert MANAGED_SECURITY_HEADERS not in json.dumps(config)


def test_the_csp_allows_no_inline_or_eval_script_and_no_framing() -> None:
    csp = frontend_csp()
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "upgrade-insecure-requests" in csp
    everything = " ".join(" ".join(v) for v in csp.values())
    assert "unsafe-inline" not in everything and "unsafe-eval" not in everything and "*" not in everything
    # style-src: only the hash of the empty string (FullCalendar's empty <style>, filled through the CSSOM)
    assert csp["style-src"] == ["'self'", "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"]
    # the browser's presigned POST goes straight to the attachments bucket
    assert "https://${AttachmentsBucket.DomainName}" in csp["connect-src"]


def test_the_other_security_headers() -> None:
    for name in ("FrontendHeadersPolicy", "ApiHeadersPolicy"):
        security = props(name)["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
        hsts = security["StrictTransportSecurity"]
        assert hsts["AccessControlMaxAgeSec"] >= 31536000 and hsts["IncludeSubdomains"] is True and hsts["Override"] is True
        assert security["FrameOptions"]["FrameOption"] == "DENY"
        assert security["ContentTypeOptions"]["Override"] is True
        assert security["ReferrerPolicy"]["ReferrerPolicy"] == "strict-origin-when-cross-origin"
    api_csp = props("ApiHeadersPolicy")["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["ContentSecurityPolicy"]
    assert api_csp["ContentSecurityPolicy"] == "default-src 'none'; frame-ancestors 'none'"
    custom = props("FrontendHeadersPolicy")["ResponseHeadersPolicyConfig"]["CustomHeadersConfig"]["Items"]
    assert any(h["Header"] == "Permissions-Policy" and "camera=()" in h["Value"] for h in custom)


# ---------------------------------------------------------------- WAF
def test_the_regional_web_acl_guards_the_api_stage() -> None:
    acl = props("ApiWebAcl")
    assert acl["Scope"] == "REGIONAL" and acl["DefaultAction"] == {"Allow": {}}
    association = props("ApiWebAclAssociation")
    assert association["WebACLArn"] == {"Fn::GetAtt": ["ApiWebAcl", "Arn"]}
    assert association["ResourceArn"]["Fn::Sub"].endswith("/restapis/${Api}/stages/${Api.Stage}")
    # CloudFront-scope ACLs live in us-east-1 only: the distribution takes one by parameter, or none
    assert distribution()["WebACLId"] == {"Fn::If": ["HasCloudFrontWebAcl", {"Ref": "CloudFrontWebAclArn"}, {"Ref": "AWS::NoValue"}]}
    assert TEMPLATE["Parameters"]["CloudFrontWebAclArn"]["Default"] == ""


def test_managed_rule_groups_and_the_body_size_override() -> None:
    groups = {r["Statement"]["ManagedRuleGroupStatement"]["Name"]: r for r in waf_rules().values() if "ManagedRuleGroupStatement" in r["Statement"]}
    assert set(groups) == {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList"}
    overrides = groups["AWSManagedRulesCommonRuleSet"]["Statement"]["ManagedRuleGroupStatement"]["RuleActionOverrides"]
    assert overrides == [{"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}}]
    priorities = [r["Priority"] for r in waf_rules().values()]
    assert len(set(priorities)) == len(priorities)
    for rule in waf_rules().values():
        assert rule["VisibilityConfig"]["CloudWatchMetricsEnabled"] is True


@pytest.mark.parametrize("name", ["rate-auth-viewer", "rate-auth-direct"])
def test_rate_rules_answer_429_in_the_api_error_shape_on_the_token_routes(name: str) -> None:
    rule = waf_rules()[name]
    response = rule["Action"]["Block"]["CustomResponse"]
    assert response["ResponseCode"] == 429
    assert {"Name": "Retry-After", "Value": "300"} in response["ResponseHeaders"]
    body = props("ApiWebAcl")["CustomResponseBodies"][response["CustomResponseBodyKey"]]
    assert body["ContentType"] == "APPLICATION_JSON"
    error = json.loads(body["Content"])["error"]
    assert error["code"] == "too_many_requests" and re.search(r"[ぁ-んァ-ン]", error["message"])
    rate = rule["Statement"]["RateBasedStatement"]
    assert rate["Limit"] == 100 and rate["EvaluationWindowSec"] == 300
    scope = rate["ScopeDownStatement"]
    regex = (scope if "RegexMatchStatement" in scope else scope["AndStatement"]["Statements"][0])["RegexMatchStatement"]
    assert regex["FieldToMatch"] == {"UriPath": {}}
    pattern = re.compile(regex["RegexString"])
    for path in RATE_LIMITED:  # through CloudFront API Gateway sees the stage prefix
        assert pattern.search(path) and pattern.search("/prod" + path), path
    for path in NOT_RATE_LIMITED:
        assert not pattern.search(path) and not pattern.search("/prod" + path), path


def test_the_viewer_rate_rule_keys_on_the_header_cloudfront_sets() -> None:
    forwarded = waf_rules()["rate-auth-viewer"]["Statement"]["RateBasedStatement"]["ForwardedIPConfig"]
    code = props("ApiViewerIpFunction")["FunctionCode"]
    assert f"request.headers['{forwarded['HeaderName'].lower()}'] = {{ value: event.viewer.ip }}" in code
    api = next(b for b in distribution()["CacheBehaviors"] if b["PathPattern"] == "/api/*")
    assert api["FunctionAssociations"] == [
        {"EventType": "viewer-request", "FunctionARN": {"Fn::GetAtt": ["ApiViewerIpFunction", "FunctionMetadata.FunctionARN"]}}
    ]
    # the viewer header is believed only from CloudFront (X-Origin-Verify = its secret); anything else counts by its own address
    secret = {"Fn::Sub": "{{resolve:secretsmanager:${OriginVerifySecret}:SecretString}}"}
    origin = next(o for o in distribution()["Origins"] if o["Id"] == "api")
    assert origin["OriginCustomHeaders"] == [{"HeaderName": "X-Origin-Verify", "HeaderValue": secret}]
    viewer = waf_rules()["rate-auth-viewer"]["Statement"]["RateBasedStatement"]["ScopeDownStatement"]["AndStatement"]["Statements"][1]["ByteMatchStatement"]
    direct = waf_rules()["rate-auth-direct"]["Statement"]["RateBasedStatement"]
    assert direct["AggregateKeyType"] == "IP"
    not_from_cloudfront = direct["ScopeDownStatement"]["AndStatement"]["Statements"][1]["NotStatement"]["Statement"]["ByteMatchStatement"]
    for match in (viewer, not_from_cloudfront):
        assert match["FieldToMatch"] == {"SingleHeader": {"Name": "x-origin-verify"}}
        assert match["PositionalConstraint"] == "EXACTLY" and match["SearchString"] == secret
    # and the functions that count per source get the same secret and the same header
    headers = props("ApiOriginRequestPolicy")["OriginRequestPolicyConfig"]["HeadersConfig"]["Headers"]
    assert forwarded["HeaderName"] in headers and "Host" not in headers


def test_waf_logs_keep_secrets_out() -> None:
    group = props("ApiWafLogGroup")
    assert group["LogGroupName"]["Fn::Sub"].startswith("aws-waf-logs-")
    assert group["RetentionInDays"] == {"Ref": "AccessLogRetentionDays"}
    logging = props("ApiWafLogging")
    assert {"SingleHeader": {"Name": "cookie"}} in logging["RedactedFields"]
    assert {"SingleHeader": {"Name": "x-csrf-token"}} in logging["RedactedFields"]
    assert {"QueryString": {}} in logging["RedactedFields"]


# ---------------------------------------------------------------- access logs
def test_api_access_log_format_has_no_query_string_cookie_or_body() -> None:
    api = props("Api")
    setting = api["AccessLogSetting"]
    assert setting["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    fields = json.loads(setting["Format"])
    for key in ("requestId", "ip", "requestTime", "httpMethod", "resourcePath", "status", "responseLength", "integrationLatency", "userAgent"):
        assert key in fields, key
    assert fields["resourcePath"] == "$context.resourcePath"
    variables = set(re.findall(r"\$context\.[A-Za-z.]+", setting["Format"]))
    assert not {v for v in variables if re.search(r"(?i)path$|query|cookie|header|body|input", v) and v != "$context.resourcePath"}
    assert "$input" not in setting["Format"] and "$method" not in setting["Format"]
    assert props("ApiAccessLogGroup")["RetentionInDays"] == {"Ref": "AccessLogRetentionDays"}
    assert RESOURCES["Api"]["DependsOn"] == "ApiGatewayAccount"
    assert props("ApiGatewayAccount")["CloudWatchRoleArn"] == {"Fn::GetAtt": ["ApiGatewayCloudWatchRole", "Arn"]}


def test_cloudfront_logs_to_an_expiring_bucket_without_cookies() -> None:
    logging = distribution()["Logging"]
    assert logging["Bucket"] == {"Fn::GetAtt": ["CloudFrontLogBucket", "DomainName"]} and logging["IncludeCookies"] is False
    bucket = props("CloudFrontLogBucket")
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerPreferred"}]  # legacy logs write with ACLs
    assert bucket["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] == {"Ref": "AccessLogRetentionDays"}
    assert all(bucket["PublicAccessBlockConfiguration"].values())


# ---------------------------------------------------------------- TLS
def test_minimum_tls_is_a_parameter_applied_with_a_custom_domain() -> None:
    parameters = TEMPLATE["Parameters"]
    assert parameters["MinimumTlsVersion"]["Default"] == "TLSv1.2_2021"
    assert all(v.startswith("TLSv1.2") or v.startswith("TLSv1.3") for v in parameters["MinimumTlsVersion"]["AllowedValues"])
    assert parameters["DomainName"]["Default"] == "" and parameters["CertificateArn"]["Default"] == ""
    condition, custom, default = distribution()["ViewerCertificate"]["Fn::If"]
    assert condition == "HasCustomDomain"
    assert custom == {"AcmCertificateArn": {"Ref": "CertificateArn"}, "SslSupportMethod": "sni-only", "MinimumProtocolVersion": {"Ref": "MinimumTlsVersion"}}
    assert default == {"CloudFrontDefaultCertificate": True}
    assert distribution()["Aliases"] == {"Fn::If": ["HasCustomDomain", [{"Ref": "DomainName"}], {"Ref": "AWS::NoValue"}]}
