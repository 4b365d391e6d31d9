"""名簿出力 and 参加者名簿 as export jobs: started by staff, built by ExportWorkerFunction, fetched from S3 by a
short-lived link (docs/product.md "名簿出力"; docs/architecture.md "Long work in the background")."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from netclub.models.common import AnswerModel, RequestModel

Service = Literal["argus", "business_support_tokyo", "direct_mail", "mail_magazine"]
ExportKind = Literal["members", "attendees"]
ExportStatus = Literal["queued", "running", "ready", "failed", "expired"]


class ExportCreate(RequestModel):
    kind: ExportKind = Field(description="members: 名簿出力 (by service); attendees: an offering's 参加者名簿")
    service: Service | None = Field(default=None, description="members only; absent: every active member")
    offering_id: Annotated[str, Field(min_length=1, max_length=64)] | None = Field(default=None, description="attendees only: the offering")


class ExportJob(AnswerModel):
    export_id: str
    kind: ExportKind
    service: Service | None = None
    offering_id: str | None = None
    status: ExportStatus = Field(description="queued → running → ready (download_url) or failed (failed_message); ready turns expired after a day")
    filename: str = Field(description="the file's Japanese-safe name, as the download saves it")
    rows: int | None = Field(default=None, description="data rows (ready)")
    size: int | None = Field(default=None, description="bytes (ready)")
    download_url: str | None = Field(default=None, description="ready: a presigned GET of the CSV, valid for download_expires_in seconds")
    download_expires_in: int | None = None
    failed_message: str | None = Field(default=None, description="failed: why, in Japanese")
    created_at: str
    updated_at: str | None = None
