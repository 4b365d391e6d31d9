export type MemberStatus = 'pending_review' | 'active' | 'suspended'
export type Role = 'member' | 'staff'

export interface Me {
  member_id: string
  email: string
  company_name: string
  user_name: string
  status: MemberStatus
  role: Role
  csrf_token?: string
}

export interface FieldError {
  field: string
  message: string
}

export interface ErrorBody {
  error: { code: string; message: string; fields?: FieldError[] }
}

export interface Page<T> {
  items: T[]
  next_cursor?: string | null
}

export interface Notice {
  id: string
  title: string
  body: string
  published_at: string
}

export interface EventItem {
  id: string
  title: string
  starts_at: string
  ends_at: string
  place?: string
  url?: string
  description?: string
}

export interface Video {
  id: string
  title: string
  description?: string
  url: string
  thumbnail_url?: string
  duration_s?: number
}

export interface InquiryKind {
  id: string
  name: string
  description?: string
}

export interface AttachmentTicket {
  attachment_id: string
  upload: { url: string; fields: Record<string, string> }
  expires_at?: string
}

export interface Inquiry {
  id: string
  receipt_no?: string
  attachment_count?: number
  kind_id: string
  kind_name?: string
  content: string
  attachments: { attachment_id: string; filename: string; size: number; download_url?: string; url?: string }[]
  status: string
  created_at: string
  member_id?: string
  company_name?: string
  user_name?: string
  email?: string
  replies?: { body?: string; message?: string; created_at?: string; replied_at?: string; staff?: string }[]
  reply?: string
}

export type OfferingKind = 'seminar' | 'counseling'

export interface Slot {
  id: string
  date: string
  start_time: string
  end_time: string
  place: string
  capacity: number
  seats_left: number
}

export interface Offering {
  id: string
  kind: OfferingKind
  title: string
  description: string
  apply_until?: string | null
  lottery_status?: string | null
  slots?: Slot[]
}

export type ReservationStatus = 'confirmed' | 'applied' | 'won' | 'lost' | 'cancelled' | 'attended'

export interface Reservation {
  id: string
  offering_id: string
  offering_title: string
  kind: OfferingKind
  status: ReservationStatus
  slot: Slot | null
  preferences?: (string | Slot)[] | null
  note?: string | null
  created_at: string
  updated_at?: string
  apply_until?: string
  can_change?: boolean
  can_cancel?: boolean
  preference_slots?: Slot[]
}

/** GET /api/admin/offerings/{id}/reservations item */
export interface AdminReservation {
  reservation_id: string
  member_id: string
  company_name: string
  user_name: string
  status: ReservationStatus
  slot_id: string | null
  preferences: string[]
  note: string
  created_at: string
}

export interface UsageItem {
  type: string
  title: string
  date: string
  status: string
  ref_id?: string
}

export interface IndustryNode {
  code: string
  name: string
  children?: IndustryNode[]
}

export interface Equipment {
  capability_class: string
  name: string
  domestic: boolean | null
  maker: string
  count: number | null
  note: string
}

export interface Profile {
  corporate_type: 'corporation' | 'sole_proprietor' | 'founder' | ''
  company_name: string
  company_name_kana: string
  common_name: string
  office_name: string
  postal_code: string
  address: string
  phone: string
  representative: { name: string; name_kana: string; gender: string; title: string }
  industry: { major: string; middle: string; minor: string }
  capital_thousand_yen: number | null
  large_company_investment_thousand_yen: number | null
  founded_on: string
  established_year_month: string
  officers_count: number | null
  employees: { total: number | null; full_time: number | null; part_time: number | null; other: number | null }
  homepage_url: string
  publish_company_info: boolean | null
  public_info: string
  business_summary: string
  trade_areas: string[]
  shipping_sales: string
  processing_categories: string[]
  equipment: Equipment[]
  affiliated_companies: string
  main_customers: string
  main_subcontractors: string
  user: {
    email: string
    name: string
    name_kana: string
    gender: string
    department: string
    phone: string
    extension: string
    fax: string
  }
  subscriptions: {
    argus: boolean
    business_support_tokyo: boolean
    direct_mail: boolean
    mail_magazine: boolean
    mail_magazine_genres: string[]
  }
  staff_fields?: Record<string, unknown>
  [extra: string]: unknown
}

export interface Member {
  member_id: string
  email: string
  company_name: string
  user_name: string
  status: MemberStatus
  role?: Role
  created_at?: string
  [extra: string]: unknown
}

export interface AuditEntry {
  id?: string
  at?: string
  created_at?: string
  actor?: string
  actor_id?: string
  staff_id?: string
  action: string
  target?: string
  detail?: unknown
  [extra: string]: unknown
}

/** GET /api/admin/mail-outbox: a mail whose send failed, waiting for the scheduled retry (no body). */
export interface OutboxMail {
  id: string
  to: string
  subject: string
  template: string
  created_at: string
  attempts: number
  last_error?: string | null
  last_attempt_at?: string | null
}
