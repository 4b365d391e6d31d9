// 公社登録情報: the fields staff register on a member (StaffFields of the API).
// Members see them read-only in My情報管理; staff edit them in the console.

export type StaffFieldKey = 'member_number' | 'joined_on' | 'withdrawn_on' | 'member_rank' | 'note'

export interface StaffFieldDef {
  key: StaffFieldKey
  label: string
  type: 'text' | 'date' | 'textarea'
  max?: number
  hint?: string
}

export const STAFF_FIELD_DEFS: StaffFieldDef[] = [
  { key: 'member_number', label: '会員番号', type: 'text', max: 20, hint: '20文字以内' },
  { key: 'joined_on', label: '入会日', type: 'date' },
  { key: 'withdrawn_on', label: '退会日', type: 'date' },
  { key: 'member_rank', label: '会員区分', type: 'text', max: 50, hint: '50文字以内' },
  { key: 'note', label: '公社メモ', type: 'textarea', max: 2000, hint: '2000文字以内。会員のMy情報管理にも表示されます。' },
]

export type StaffFieldValues = Record<StaffFieldKey, string>

/** The id of a field's control; ErrorSummary derives the same id from `staff_fields.<key>`. */
export const staffFieldId = (key: string) => `f-staff_fields-${key}`

export function emptyStaffFields(): StaffFieldValues {
  return { member_number: '', joined_on: '', withdrawn_on: '', member_rank: '', note: '' }
}

/** The API's staff_fields (values may be null or missing) as form strings. */
export function staffFieldsFromApi(raw: Record<string, unknown> | null | undefined): StaffFieldValues {
  const values = emptyStaffFields()
  for (const d of STAFF_FIELD_DEFS) {
    const v = raw?.[d.key]
    values[d.key] = v === null || v === undefined ? '' : String(v)
  }
  return values
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/

function isDate(s: string): boolean {
  const m = DATE_RE.exec(s)
  if (!m) return false
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])
}

/** Characters as a person counts them (an emoji family is one). */
function length(s: string): number {
  const Seg = (Intl as unknown as { Segmenter?: new (l: string, o: object) => { segment: (s: string) => Iterable<unknown> } }).Segmenter
  return Seg ? Array.from(new Seg('ja', { granularity: 'grapheme' }).segment(s)).length : Array.from(s).length
}

/** Errors keyed `staff_fields.<key>` (the API's field names), in Japanese. */
export function validateStaffFields(values: StaffFieldValues): Record<string, string> {
  const errors: Record<string, string> = {}
  for (const d of STAFF_FIELD_DEFS) {
    const v = values[d.key].trim()
    if (!v) continue
    if (d.type === 'date' && !isDate(v)) errors[`staff_fields.${d.key}`] = `${d.label}は正しい日付（例：2026-04-01）で入力してください。`
    else if (d.max && length(v) > d.max) errors[`staff_fields.${d.key}`] = `${d.label}は${d.max}文字以内で入力してください。`
  }
  const joined = values.joined_on.trim()
  const withdrawn = values.withdrawn_on.trim()
  if (!errors['staff_fields.joined_on'] && !errors['staff_fields.withdrawn_on'] && joined && withdrawn && withdrawn < joined)
    errors['staff_fields.withdrawn_on'] = '退会日は入会日以降の日付を入力してください。'
  return errors
}

/** What PUT /api/admin/members/{id}/profile gets as staff_fields: trimmed values, blanks as null (cleared). */
export function staffFieldsPayload(values: StaffFieldValues): Record<StaffFieldKey, string | null> {
  const out = {} as Record<StaffFieldKey, string | null>
  for (const d of STAFF_FIELD_DEFS) {
    const v = d.type === 'textarea' ? values[d.key].replace(/^\s+|\s+$/g, '') : values[d.key].trim()
    out[d.key] = v === '' ? null : v
  }
  return out
}
