"""お問い合わせ: inquiry kinds, attachments (presigned uploads), inquiries and the staff desk."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from netclub.models.common import MULTI_LINE, AnswerModel, RequestModel

InquiryStatus = Literal["open", "answered", "closed"]
Id = Annotated[str, Field(min_length=1, max_length=64)]
Body = RequestModel


# --- kinds --------------------------------------------------------------------------------


class InquiryKindInput(Body):
    name: Annotated[str, Field(min_length=1, max_length=50)]
    description: Annotated[str, Field(max_length=500), MULTI_LINE] = ""
    sort_order: Annotated[int, Field(ge=0, le=9999)] = 0
    active: bool = True
    department_id: Annotated[str | None, Field(max_length=64, description="担当部署 (GET /api/admin/departments); none: every staff member's")] = None


class InquiryKind(AnswerModel):
    id: str
    name: str
    description: str = ""


class InquiryKindAdmin(InquiryKind):
    sort_order: int = 0
    active: bool = True
    department_id: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class InquiryKindList(AnswerModel):
    items: list[InquiryKind]


class InquiryKindAdminList(AnswerModel):
    items: list[InquiryKindAdmin]


# --- attachments --------------------------------------------------------------------------


class AttachmentRequest(Body):
    filename: Annotated[str, Field(min_length=1, max_length=255, description="the file's name as the member sees it (display only)")]
    content_type: Annotated[str, Field(min_length=1, max_length=100, description="the browser's File.type")]
    size: Annotated[int, Field(description="bytes; at most 10,485,760")]


class UploadForm(AnswerModel):
    url: str = Field(description="POST a multipart/form-data form here: every `fields` entry, then the file as `file` (last)")
    fields: dict[str, str]


class AttachmentUpload(AnswerModel):
    attachment_id: str
    upload: UploadForm
    expires_at: str
    max_size: int


# --- inquiries ----------------------------------------------------------------------------


class InquiryRequest(Body):
    kind_id: Id
    content: Annotated[str, Field(max_length=20000, description="相談内容: 1..800 characters (grapheme clusters, as a person counts them)"), MULTI_LINE]
    attachment_ids: Annotated[list[Id], Field(max_length=5)] = Field(default_factory=list)


class AttachmentInfo(AnswerModel):
    attachment_id: str
    filename: str
    size: int
    content_type: str = ""


class StaffAttachment(AttachmentInfo):
    download_url: str = Field(description="short-lived presigned GET (5 minutes)")


class Reply(AnswerModel):
    body: str
    replied_at: str


class Inquiry(AnswerModel):
    id: str
    receipt_no: str
    kind_id: str
    kind_name: str
    content: str
    attachments: list[AttachmentInfo]
    status: InquiryStatus
    created_at: str
    updated_at: str | None = None
    replies: list[Reply] = Field(default_factory=list)


class InquiryList(AnswerModel):
    items: list[Inquiry]
    next_cursor: str | None = None


class StaffInquiry(Inquiry):
    member_id: str
    company_name: str = ""
    user_name: str = ""
    email: str = ""
    attachments: list[StaffAttachment]  # type: ignore[assignment]


class StaffInquirySummary(AnswerModel):
    id: str
    receipt_no: str
    kind_name: str
    status: InquiryStatus
    created_at: str
    member_id: str
    company_name: str = ""
    user_name: str = ""
    attachment_count: int = 0


class StaffInquiryList(AnswerModel):
    items: list[StaffInquirySummary]
    next_cursor: str | None = None


class ReplyRequest(Body):
    body: Annotated[str, Field(min_length=1, max_length=4000), MULTI_LINE]
