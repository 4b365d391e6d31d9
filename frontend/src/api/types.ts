/**
 * The API's types, taken from the OpenAPI document of the server.
 *
 * src/api/schema.d.ts is generated (`npm run gen:api`, also run by `npm run build`) from
 * src/api/openapi.json, which `make frontend-api` exports from the server code; `make test` fails
 * while that copy differs from the server's document (tests/functional/test_openapi_document.py)
 * and vitest fails while schema.d.ts differs from what the generator makes of it. So an API change
 * the front end does not follow fails `npm run build` (vue-tsc) here, not in a browser.
 */
import type { components } from './schema'

type Schemas = components['schemas']

export type Me = Schemas['Me'] & Partial<Pick<Schemas['MeResponse'], 'csrf_token'>>
export type MemberStatus = Schemas['Me']['status']
export type Role = Schemas['Me']['role']
export type FieldError = Schemas['ErrorField']
export type ErrorBody = Schemas['ErrorResponse']

/** Every list answer: `{items, next_cursor}` (the OpenAPI document's list shape). */
export interface Page<T> {
  items: T[]
  next_cursor?: string | null
}

export type Notice = Schemas['Notice']
/** An entry of イベントカレンダー (GET /api/events): a 公社 event, or an open offering's date (offering_id). */
export type CalendarEntry = Schemas['CalendarEntry']
export type Video = Schemas['Video']
export type InquiryKind = Schemas['InquiryKind']
export type AttachmentTicket = Schemas['AttachmentUpload']
export type Inquiry = Schemas['Inquiry']
/** The staff's view of an inquiry: who sent it, attachments with download links. */
export type StaffInquiry = Schemas['StaffInquiry']
export type StaffInquirySummary = Schemas['StaffInquirySummary']
export type OfferingKind = Schemas['Offering']['kind']
export type Slot = Schemas['Slot']
/** An offering of a list, or with its slots (detail). */
export type Offering = Schemas['Offering'] & { slots?: Slot[] }
export type OfferingDetail = Schemas['OfferingDetail']
export type ReservationStatus = Schemas['Reservation']['status']
export type Reservation = Schemas['Reservation']
export type CalendarFeed = Schemas['CalendarFeed']
export type AdminReservation = Schemas['AdminReservation']
export type UsageItem = Schemas['UsageItem']
export type IndustryNode = Schemas['IndustryNode']
export type Member = Schemas['MemberSummary']
export type AuditEntry = Schemas['AuditEntry']
export type OutboxMail = Schemas['OutboxMail']
export type Dashboard = Schemas['Dashboard']
export type UpcomingSlot = Schemas['UpcomingSlot']
/** A company profile as the API gives it (GET /api/profile, the staff's member view): the fields PUT /api/profile
 * takes, お取引エリア・加工分類 as plain strings (a value from before the lists may still be stored). */
export type ApiProfile = Schemas['StoredProfile']
export type ProfileView = Schemas['ProfileView']
export type ApiEquipment = Schemas['Equipment']

/** 会員企業検索 (GET /api/directory): a result card, one page of results with the total. */
export type CompanyCard = Schemas['CompanyCard']
export type CompanyList = Schemas['CompanyList']
/** 企業詳細 (GET /api/directory/{company_id}): only what the company publishes. */
export type CompanyPage = Schemas['CompanyPage']
export type CompanyEquipment = Schemas['EquipmentView']
/** My情報 「公開される情報」 (GET /api/profile/public-view). */
export type PublicView = Schemas['PublicView']
/** 商談申込 (POST /api/directory/{company_id}/contact). */
export interface ContactRequest {
  subject: string
  message: string
}

export type StaffMember = Schemas['StaffMember']
export type Department = Schemas['Department']
export type ImportState = Schemas['ImportState']
export type ImportCreated = Schemas['ImportCreated']
/** 名簿出力・参加者名簿: a job the server builds in the background, then a 5-minute download link. */
export type ExportJob = Schemas['ExportJob']
export type ExportCreate = Schemas['ExportCreate']
/** 専門家カウンセリングの抽選: begun (202, drawing), then drawn with every result. */
export type LotteryState = Schemas['LotteryState']
