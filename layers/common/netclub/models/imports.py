"""会員データ移行 (member migration) and ご利用開始 (a migrated member's first password): docs/deploy.md "Going live: bringing the old system's members over"."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from netclub.models.common import AnswerModel, RequestModel, Secret, Token
from netclub.models.inquiries import UploadForm

ImportStatus = Literal["uploaded", "validating", "validated", "importing", "done", "failed"]


class ImportCreate(RequestModel):
    filename: Annotated[str, Field(min_length=1, max_length=255, description="the CSV's name as the admin chose it (shown, never a key)")]
    size: Annotated[int, Field(ge=0, le=2**40, description="bytes; at most 20 MB (20,971,520)")]


class ImportCreated(AnswerModel):
    import_id: str
    upload: UploadForm
    max_size: int


class ImportRun(RequestModel):
    send_invitations: bool = Field(default=False, description="「ご利用開始のご案内メールを送る」: a /welcome link (14 days) to each member without a password")


class ImportRowError(AnswerModel):
    row: int = Field(description="1 = the first data row; 0 = the file or its header")
    column: str = Field(description="the CSV column (its Japanese header), or empty for the whole row")
    message: str


class ImportState(AnswerModel):
    import_id: str
    filename: str
    status: ImportStatus
    encoding: str | None = Field(default=None, description="the detected encoding: UTF-8, UTF-8 (BOM付き) or Shift_JIS (cp932)")
    rows: int = 0
    valid: int = 0
    errors: list[ImportRowError] = Field(default_factory=list, description="the first 1,000 (validation, then rows refused while importing)")
    error_count: int = Field(default=0, description="every error, also past the first 1,000")
    processed: int = Field(default=0, description="rows the import has handled so far (progress)")
    created: int = 0
    updated: int = 0
    invited: int = 0
    failed_message: str | None = Field(default=None, description="status failed: why the file could not be read")
    created_at: str
    updated_at: str | None = None


class ImportList(AnswerModel):
    items: list[ImportState]


class MemberInvitationConfirm(RequestModel):
    token: Token
    password: Secret
    password_confirm: Secret


class InvitationSent(AnswerModel):
    member_id: str
    expires_at: str
