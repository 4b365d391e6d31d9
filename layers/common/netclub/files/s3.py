"""S3, the one adapter: the private attachments bucket (presigned POST for the browser's upload, GET for staff's
download, HeadObject, copy, delete, read, write) and the conditional writes and reads of other buckets' objects
(the search indexes: `put_if`, `get_if_changed`).

Presigned URLs are built on a client for the address the browser uses: in AWS the bucket's own
endpoint; on the local stack the gateway's `/_s3` proxy to moto (settings.s3_public_endpoint).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from botocore.exceptions import ClientError

from netclub.aws import client, new_client
from netclub.config import get_settings
from netclub.content_disposition import attachment


@dataclass(frozen=True)
class ObjectHead:
    size: int
    content_type: str


@dataclass(frozen=True)
class PresignedPost:
    url: str
    fields: dict[str, str]


def bucket() -> str:
    return get_settings().need("attachments_bucket")


def _presigner() -> Any:
    settings = get_settings()
    if not settings.s3_public_endpoint:
        return client("s3")
    return _public_client(settings.s3_public_endpoint, settings.region)


@cache
def _public_client(endpoint: str, region: str) -> Any:
    from botocore.config import Config

    return new_client("s3", region, endpoint, Config(signature_version="s3v4", s3={"addressing_style": "path"}))


def presigned_post(key: str, content_type: str, max_size: int, expires_in: int) -> PresignedPost:
    """A POST policy for exactly this key and type, 1..max_size bytes (s3v4)."""
    answer = _presigner().generate_presigned_post(
        Bucket=bucket(),
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_size]],
        ExpiresIn=expires_in,
    )
    return PresignedPost(url=str(answer["url"]), fields={k: str(v) for k, v in answer["fields"].items()})


def presigned_get(key: str, filename: str, expires_in: int, in_bucket: str | None = None, content_type: str | None = None) -> str:
    """A short-lived download link that saves under the original (display) file name (of the attachments
    bucket unless `in_bucket` names another; `content_type` overrides the stored one)."""
    params = {"Bucket": in_bucket or bucket(), "Key": key, "ResponseContentDisposition": attachment(filename)}
    if content_type:
        params["ResponseContentType"] = content_type
    return str(_presigner().generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in))


def head(key: str) -> ObjectHead | None:
    try:
        answer = client("s3").head_object(Bucket=bucket(), Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
    return ObjectHead(size=int(answer.get("ContentLength", 0)), content_type=str(answer.get("ContentType", "")))


def copy(source_key: str, target_key: str) -> None:
    client("s3").copy_object(Bucket=bucket(), Key=target_key, CopySource={"Bucket": bucket(), "Key": source_key}, MetadataDirective="COPY")


def delete(key: str) -> None:
    client("s3").delete_object(Bucket=bucket(), Key=key)


def read(key: str, max_size: int) -> bytes | None:
    """The object's bytes (None if there is none); ValueError if it is larger than max_size."""
    try:
        answer = client("s3").get_object(Bucket=bucket(), Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
    if int(answer.get("ContentLength", 0)) > max_size:
        answer["Body"].close()
        raise ValueError("object larger than allowed")
    return bytes(answer["Body"].read())


def write(key: str, body: bytes, content_type: str, in_bucket: str | None = None) -> None:
    """The object (of the attachments bucket unless `in_bucket` names another), encrypted at rest (SSE-S3)."""
    client("s3").put_object(Bucket=in_bucket or bucket(), Key=key, Body=body, ContentType=content_type, ServerSideEncryption="AES256")


class Changed(Exception):
    """A conditional write found the object not at the version it named (another writer was first)."""


def put_if(key: str, body: bytes, content_type: str, if_match: str | None, in_bucket: str) -> None:
    """Replace the version `if_match` (an ETag) of the object; None: create it (it must not exist yet). Changed otherwise."""
    condition = {"IfMatch": if_match} if if_match else {"IfNoneMatch": "*"}
    try:
        client("s3").put_object(Bucket=in_bucket, Key=key, Body=body, ContentType=content_type, **condition)
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in ("PreconditionFailed", "ConditionalRequestConflict", "NoSuchKey") or status in (409, 412):
            raise Changed() from exc
        raise


def get_if_changed(key: str, etag: str | None, in_bucket: str) -> tuple[Literal["new", "same", "missing"], bytes, str | None]:
    """The object and its ETag unless it is still `etag` (one GetObject with If-None-Match): "same" (no bytes),
    "missing" (none) or "new"."""
    kwargs: dict[str, Any] = {"Bucket": in_bucket, "Key": key}
    if etag:
        kwargs["IfNoneMatch"] = etag
    try:
        answer = client("s3").get_object(**kwargs)
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in ("304", "NotModified") or status == 304:
            return "same", b"", etag
        if code in ("NoSuchKey", "404") or status == 404:
            return "missing", b"", None
        raise
    return "new", answer["Body"].read(), answer.get("ETag")
