import { PHONE_PATTERN, PROCESSING_CHOICES, TRADE_AREA_CHOICES } from '../api/rules'
import type { ApiEquipment, ApiProfile, IndustryNode } from '../api/types'

/** One row of the equipment table as the form edits it (blank strings rather than null). */
export interface Equipment {
  capability_class: string
  name: string
  domestic: boolean | null
  maker: string
  count: number | null
  note: string
}

/**
 * My情報 as the forms edit it: blank strings where the API has null, '' for an unchosen 法人区分.
 * Its fields are the API's Profile fields, checked below, so an API change the form does not follow
 * fails the build.
 */
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


/** The named fields of T (without an index signature). */
type Named<T> = keyof { [K in keyof NonNullable<T> as string extends K ? never : number extends K ? never : K extends string ? K : never]: true }
/** true when the form edits exactly the API's fields; else the type names the ones that differ. */
type SameFields<Form, Api, FormOnly = never> = [Exclude<Named<Form>, Named<Api> | FormOnly>, Exclude<Named<Api>, Named<Form>>] extends [never, never]
  ? true
  : { onlyInForm: Exclude<Named<Form>, Named<Api> | FormOnly>; onlyInApi: Exclude<Named<Api>, Named<Form>> }
export const FORM_FOLLOWS_API: [
  SameFields<Profile, ApiProfile, 'staff_fields'>,
  SameFields<Equipment, ApiEquipment>,
  SameFields<Profile['user'], ApiProfile['user']>,
  SameFields<Profile['representative'], ApiProfile['representative']>,
  SameFields<Profile['industry'], ApiProfile['industry']>,
  SameFields<Profile['employees'], ApiProfile['employees']>,
  SameFields<Profile['subscriptions'], ApiProfile['subscriptions']>,
] = [true, true, true, true, true, true, true]

export const CORPORATE_TYPES = [
  { value: 'corporation', label: '法人' },
  { value: 'sole_proprietor', label: '個人事業者' },
  { value: 'founder', label: '創業予定者' },
] as const

export const GENDERS = [
  { value: 'male', label: '男性' },
  { value: 'female', label: '女性' },
  { value: 'other', label: 'その他' },
  { value: 'unspecified', label: '回答しない' },
] as const

export const MAIL_MAGAZINE_GENRES = [
  { value: 'netclub_magazine', label: 'TOKYOネットクラブまがじん' },
  { value: 'e_argus', label: '電子ARGUS' },
] as const

export const STAFF_FIELD_LABELS: Record<string, string> = {
  member_number: '会員番号',
  joined_on: '入会日',
  withdrawn_on: '退会日',
  member_rank: '会員区分',
  note: '公社メモ',
  approved_at: '登録確認日時',
}

/** The staff-registered fields the staff console always offers (StaffFields of the API). */
export const STAFF_FIELD_KEYS = ['member_number', 'joined_on', 'withdrawn_on', 'member_rank', 'note']

export function emptyEquipment(): Equipment {
  return { capability_class: '', name: '', domestic: null, maker: '', count: null, note: '' }
}

export function emptyProfile(): Profile {
  return {
    corporate_type: '',
    company_name: '',
    company_name_kana: '',
    common_name: '',
    office_name: '',
    postal_code: '',
    address: '',
    phone: '',
    representative: { name: '', name_kana: '', gender: '', title: '' },
    industry: { major: '', middle: '', minor: '' },
    capital_thousand_yen: null,
    large_company_investment_thousand_yen: null,
    founded_on: '',
    established_year_month: '',
    officers_count: null,
    employees: { total: null, full_time: null, part_time: null, other: null },
    homepage_url: '',
    publish_company_info: false,
    public_info: '',
    business_summary: '',
    trade_areas: [],
    shipping_sales: '',
    processing_categories: [],
    equipment: [],
    affiliated_companies: '',
    main_customers: '',
    main_subcontractors: '',
    user: { email: '', name: '', name_kana: '', gender: '', department: '', phone: '', extension: '', fax: '' },
    subscriptions: {
      argus: false,
      business_support_tokyo: false,
      direct_mail: false,
      mail_magazine: false,
      mail_magazine_genres: [],
    },
  }
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Fills an API profile into the complete empty shape (null → '' for text fields). */
export function normaliseProfile(src: unknown): Profile {
  const base = emptyProfile() as unknown as Record<string, unknown>
  const merge = (dst: Record<string, unknown>, s: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(s)) {
      const d = dst[k]
      if (isObj(d) && isObj(v)) merge(d, v)
      else if (typeof d === 'string' && (v === null || v === undefined)) dst[k] = ''
      else if (Array.isArray(d) && !Array.isArray(v)) dst[k] = v == null ? [] : [v]
      else dst[k] = v
    }
  }
  if (isObj(src)) merge(base, JSON.parse(JSON.stringify(src)))
  const p = base as unknown as Profile
  p.equipment = (p.equipment ?? []).map((e) => ({ ...emptyEquipment(), ...(e as object) }) as Equipment)
  return p
}

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj
  for (const k of path.split('.')) {
    if (cur === null || cur === undefined) return undefined
    cur = (cur as Record<string, unknown>)[k]
  }
  return cur
}

export function setPath(obj: Record<string, unknown>, path: string, value: unknown) {
  const keys = path.split('.')
  let cur: Record<string, unknown> = obj
  for (const k of keys.slice(0, -1)) {
    if (!isObj(cur[k])) cur[k] = {}
    cur = cur[k] as Record<string, unknown>
  }
  cur[keys[keys.length - 1]] = value
}

/** The fields that become 必須 when 法人区分 is 法人 (docs/product.md "My情報管理"). */
export const CORPORATION_REQUIRED = [
  'industry.major',
  'industry.middle',
  'capital_thousand_yen',
  'employees.total',
  'office_name',
] as const

export const ALWAYS_REQUIRED = ['corporate_type', 'company_name', 'user.name'] as const

export function requiredFields(p: Pick<Profile, 'corporate_type'>): string[] {
  return p.corporate_type === 'corporation' ? [...ALWAYS_REQUIRED, ...CORPORATION_REQUIRED] : [...ALWAYS_REQUIRED]
}

export function isRequired(path: string, p: Pick<Profile, 'corporate_type'>): boolean {
  return requiredFields(p).includes(path)
}

const isBlank = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '')

export type FieldType =
  | 'text'
  | 'kana'
  | 'textarea'
  | 'email'
  | 'url'
  | 'tel'
  | 'postal'
  | 'number'
  | 'date'
  | 'month'
  | 'corporate_type'
  | 'gender'
  | 'publish'
  | 'wish'
  | 'genres'
  | 'choices'
  | 'industry'
  | 'equipment'

export interface FieldDef {
  path: string
  label: string
  type: FieldType
  hint?: string
  autocomplete?: string
  maxLength?: number
  /** 'choices': the server's list the checkboxes offer (several may be chosen) */
  choices?: readonly string[]
}

export interface SectionDef {
  id: string
  title: string
  fields: FieldDef[]
}

export const PROFILE_SECTIONS: SectionDef[] = [
  {
    id: 'trade',
    title: 'お取引エリア',
    fields: [
      { path: 'trade_areas', label: 'お取引エリア', type: 'choices', choices: TRADE_AREA_CHOICES, hint: '当てはまるものをすべて選んでください。会員企業検索のお取引エリアで探せます。' },
    ],
  },
  {
    id: 'company',
    title: '企業情報',
    fields: [
      { path: 'corporate_type', label: '法人区分', type: 'corporate_type' },
      {
        path: 'company_name',
        label: '企業名',
        type: 'text',
        hint: '※個人事業者または創業予定者の方は氏名を入力して下さい。',
        autocomplete: 'organization',
      },
      { path: 'company_name_kana', label: '企業名(フリガナ)', type: 'kana' },
      { path: 'common_name', label: '通称', type: 'text' },
      { path: 'representative.name', label: '代表者名', type: 'text' },
      { path: 'representative.name_kana', label: '代表者名(フリガナ)', type: 'kana' },
      { path: 'representative.gender', label: '代表者性別', type: 'gender' },
      { path: 'representative.title', label: '代表者役職', type: 'text' },
      { path: 'industry', label: '業種', type: 'industry' },
      { path: 'capital_thousand_yen', label: '資本金(千円)', type: 'number' },
      { path: 'large_company_investment_thousand_yen', label: 'うち大企業からの出資(千円)', type: 'number' },
      { path: 'founded_on', label: '創業年月日', type: 'date' },
      { path: 'established_year_month', label: '設立年(月)', type: 'month', hint: '例：2001-04' },
      { path: 'officers_count', label: '役員数(人)', type: 'number' },
      { path: 'employees.total', label: '従業員数(人)', type: 'number' },
      { path: 'employees.full_time', label: '従業員(正社員)数(人)', type: 'number' },
      { path: 'employees.part_time', label: '従業員(パート)数(人)', type: 'number' },
      { path: 'employees.other', label: '従業員(その他)数(人)', type: 'number' },
      { path: 'homepage_url', label: 'ホームページURL', type: 'url', hint: '例：https://www.example.co.jp/', autocomplete: 'url' },
      { path: 'publish_company_info', label: '企業情報の発信', type: 'publish' },
      { path: 'public_info', label: '公開情報', type: 'textarea' },
      { path: 'business_summary', label: '事業概要・自社PR・強み', type: 'textarea' },
      { path: 'office_name', label: '事業所名', type: 'text' },
      { path: 'postal_code', label: '郵便番号', type: 'postal', hint: '例：101-0025', autocomplete: 'postal-code' },
      { path: 'address', label: '所在地', type: 'text', autocomplete: 'street-address' },
      { path: 'phone', label: '電話番号', type: 'tel', hint: '例：03-1234-5678', autocomplete: 'tel' },
    ],
  },
  {
    id: 'business',
    title: '出荷・販売・設備など',
    fields: [
      { path: 'shipping_sales', label: '出荷・販売', type: 'textarea' },
      { path: 'equipment', label: '設備', type: 'equipment' },
      {
        path: 'processing_categories',
        label: '加工分類',
        type: 'choices',
        choices: PROCESSING_CHOICES,
        hint: '当てはまるものをすべて選んでください。会員企業検索の加工分類で探せます。',
      },
      { path: 'affiliated_companies', label: '関係会社', type: 'textarea' },
      { path: 'main_customers', label: '主要受注先', type: 'textarea' },
      { path: 'main_subcontractors', label: '主要外注先', type: 'textarea' },
    ],
  },
  {
    id: 'user',
    title: '利用者情報',
    fields: [
      {
        path: 'user.email',
        label: 'メールアドレス',
        type: 'email',
        hint: '会員ID（ログインID）です。変更すると、新しいアドレスに届く確認メールのリンクを開いた時点で変更されます。',
        autocomplete: 'email',
      },
      { path: 'user.name', label: '利用者名', type: 'text', autocomplete: 'name' },
      { path: 'user.name_kana', label: '利用者名(フリガナ)', type: 'kana' },
      { path: 'user.gender', label: '利用者性別', type: 'gender' },
      { path: 'user.department', label: '部署', type: 'text' },
      { path: 'user.phone', label: '電話番号', type: 'tel', hint: '例：03-1234-5678', autocomplete: 'tel' },
      { path: 'user.extension', label: '内線番号', type: 'text' },
      { path: 'user.fax', label: 'FAX番号', type: 'tel' },
    ],
  },
  {
    id: 'subscriptions',
    title: '公社からの情報提供サービス',
    fields: [
      { path: 'subscriptions.argus', label: 'アーガス送付', type: 'wish' },
      { path: 'subscriptions.business_support_tokyo', label: 'ビジネスサポートTOKYO送付', type: 'wish' },
      { path: 'subscriptions.direct_mail', label: '各種DM送付', type: 'wish' },
      { path: 'subscriptions.mail_magazine', label: 'メールマガジン配信', type: 'wish' },
      { path: 'subscriptions.mail_magazine_genres', label: 'メールマガジン配信希望ジャンル', type: 'genres' },
    ],
  },
]

export const INDUSTRY_LABELS = { major: '業種(大)', middle: '業種(中)', minor: '業種(小)' } as const

export const EQUIPMENT_LABELS: Record<keyof Equipment, string> = {
  capability_class: '能力区分',
  name: '名称',
  domestic: '国産/輸入',
  maker: 'メーカー',
  count: '台数',
  note: '備考',
}

/** Every field label by path, for error summaries (including nested rows). */
export function fieldLabel(path: string): string {
  const m = /^equipment\.(\d+)\.(\w+)$/.exec(path)
  if (m) return `設備${Number(m[1]) + 1}行目の${EQUIPMENT_LABELS[m[2] as keyof Equipment] ?? m[2]}`
  if (path.startsWith('industry.')) return INDUSTRY_LABELS[path.slice(9) as keyof typeof INDUSTRY_LABELS] ?? path
  for (const s of PROFILE_SECTIONS) for (const f of s.fields) if (f.path === path) return f.label
  return STAFF_FIELD_LABELS[path.replace(/^staff_fields\./, '')] ?? path
}

function findChildren(nodes: IndustryNode[] | undefined, code: string): IndustryNode[] {
  return nodes?.find((n) => n.code === code)?.children ?? []
}

export function industryChoices(tree: IndustryNode[], major: string, middle: string) {
  const middles = findChildren(tree, major)
  const minors = findChildren(middles, middle)
  return { majors: tree, middles, minors }
}

export function industryName(tree: IndustryNode[], ind: { major: string; middle: string; minor: string }) {
  const { middles, minors } = industryChoices(tree, ind.major, ind.middle)
  const n = (list: IndustryNode[], c: string) => {
    if (!c) return ''
    const f = list.find((x) => x.code === c)
    if (f) return `${f.code} ${f.name}`
    // a 4-digit 細分類 code (migrated data: 1151) is named by its 小分類 (115), as the server names it
    const parent = c.length === 4 ? list.find((x) => x.code === c.slice(0, 3)) : undefined
    return parent ? `${c} ${parent.name}` : c
  }
  return { major: n(tree, ind.major), middle: n(middles, ind.middle), minor: n(minors, ind.minor) }
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
/** The server's 電話番号 rule (from the OpenAPI document). Python's \d is any Unicode digit: so here. */
export const PHONE_RE = new RegExp(PHONE_PATTERN.replaceAll('\\d', '\\p{Nd}'), 'u')

/** The server's URL rule for ホームページURL (models.common.check_url): an absolute http(s) URL with a
 * host, no credentials (user@), no whitespace or backslash anywhere (browsers read `\\` as `/`). */
export function isWebUrl(value: string): boolean {
  if (/[\s\\]/.test(value)) return false
  const m = /^https?:\/\/([^/?#]*)/i.exec(value)
  if (!m || m[1].includes('@')) return false
  const hostPort = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d*))?$/.exec(m[1])
  return !!hostPort && (!hostPort[2] || Number(hostPort[2]) <= 65535)
}

/** The 'choices' fields (お取引エリア, 加工分類). */
export const CHOICE_FIELDS: FieldDef[] = PROFILE_SECTIONS.flatMap((s) => s.fields.filter((f) => f.type === 'choices'))

/** Values of a 'choices' field that its list does not have: written before the lists (free text) and not
 * mapped onto them by the server. The form shows them checked, with a request to choose again. */
export function unlistedChoices(p: Profile, f: FieldDef): string[] {
  const values = (getPath(p, f.path) as string[] | undefined) ?? []
  return values.filter((v) => !(f.choices ?? []).includes(v))
}

/** A 'choices' field's values after (un)checking one: the list's order, then what is left of the unlisted ones. */
export function toggledChoices(p: Profile, f: FieldDef, value: string, on: boolean): string[] {
  const chosen = new Set((getPath(p, f.path) as string[] | undefined) ?? [])
  if (on) chosen.add(value)
  else chosen.delete(value)
  const listed = (f.choices ?? []).filter((c) => chosen.has(c))
  return [...listed, ...unlistedChoices(p, f).filter((v) => chosen.has(v))]
}

/** The message for values that are not in the list: the form (above the checkboxes) says what to do there;
 * My情報管理, which has no checkboxes, names them and sends the member to My情報更新. */
export function unlistedMessage(label: string, values: string[], where: 'form' | 'display' = 'form'): string {
  const named = `${label}の「${values.join('」「')}」は選択肢にありません。`
  return where === 'form' ? `${named}チェックを外して、当てはまるものを選び直してください。` : named
}

/** Client-side checks that mirror the API's rules (the server answer wins). */
export function validateProfile(p: Profile, opts: { requireEmail?: boolean } = {}): Record<string, string> {
  const err: Record<string, string> = {}
  for (const path of requiredFields(p)) {
    if (isBlank(getPath(p, path))) {
      const label = fieldLabel(path)
      err[path] =
        path === 'corporate_type' || path.startsWith('industry.') ? `${label}を選択してください。` : `${label}を入力してください。`
    }
  }
  if (opts.requireEmail && isBlank(p.user.email)) err['user.email'] = 'メールアドレスを入力してください。'
  if (p.user.email && !EMAIL_RE.test(p.user.email)) err['user.email'] = 'メールアドレスの形式が正しくありません。'
  if (p.homepage_url && !isWebUrl(p.homepage_url))
    err.homepage_url = 'ホームページURLは http:// または https:// で始まる形式で入力してください。'
  if (p.postal_code && !/^\d{3}-?\d{4}$/.test(p.postal_code)) err.postal_code = '郵便番号は「123-4567」の形式で入力してください。'
  for (const path of ['phone', 'user.phone', 'user.fax']) {
    const v = getPath(p, path)
    if (typeof v === 'string' && v && !PHONE_RE.test(v))
      err[path] = `${fieldLabel(path)}は半角数字とハイフンで入力してください。`
  }
  for (const path of [
    'capital_thousand_yen',
    'large_company_investment_thousand_yen',
    'officers_count',
    'employees.total',
    'employees.full_time',
    'employees.part_time',
    'employees.other',
  ]) {
    const v = getPath(p, path)
    if (typeof v === 'number' && (v < 0 || !Number.isFinite(v))) err[path] = `${fieldLabel(path)}は0以上の数値で入力してください。`
  }
  p.equipment.forEach((e, i) => {
    if (typeof e.count === 'number' && e.count < 0) err[`equipment.${i}.count`] = '台数は0以上の数値で入力してください。'
  })
  for (const f of CHOICE_FIELDS) {
    const unlisted = unlistedChoices(p, f)
    if (unlisted.length) err[f.path] = unlistedMessage(f.label, unlisted)
  }
  return err
}

/** What is sent to the API: drops staff_fields, empty optional strings become null. */
export function toPayload(p: Profile, opts: { keepStaffFields?: boolean; dropEmail?: boolean } = {}): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(p)) as Record<string, unknown>
  if (!opts.keepStaffFields) delete copy.staff_fields
  const clean = (o: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'string' && v.trim() === '') o[k] = null
      else if (typeof v === 'string') o[k] = v.trim()
      else if (isObj(v) && k !== 'staff_fields') clean(v)
    }
  }
  clean(copy)
  if (copy.publish_company_info === null || copy.publish_company_info === undefined) copy.publish_company_info = false
  copy.trade_areas = (p.trade_areas ?? []).map((s) => s.trim()).filter(Boolean)
  copy.processing_categories = (p.processing_categories ?? []).map((s) => s.trim()).filter(Boolean)
  // Rows are kept in order (even blank ones) so that `equipment.N.*` errors
  // from the API land on the row the member sees.
  copy.equipment = (p.equipment ?? []).map((e) => {
    const o = { ...e } as Record<string, unknown>
    clean(o)
    return o
  })
  if (opts.dropEmail && isObj(copy.user)) delete (copy.user as Record<string, unknown>).email
  return copy
}
