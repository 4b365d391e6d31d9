// 会員企業検索: the search state as it lives in the URL (so 戻る from a company page returns to the
// same results), the JSIC code of the three selects, and how a company's published values are shown.
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import type { IndustryNode } from '../api/types'
import { countChars } from './text'

export interface DirectorySearch {
  q: string
  /** the JSIC code searched: the most specific of 業種(大)(中)(小) chosen ('' = any) */
  industry: string
  area: string
  processing: string
  /** how many pages 「さらに表示」 has shown (1 = the first page only) */
  pages: number
}

export const SEARCH_LIMITS = { q: 100, area: 100, processing: 100 } as const
export const PAGE_SIZE = 20
export const SUBJECT_MAX_CHARS = 100
export const MESSAGE_MAX_CHARS = 2000

/** お取引エリア and 加工分類: the server's lists (the OpenAPI enum of Profile; netclub/data/choices.py), the same
 * ones My情報 offers, so what a member chose is what the search finds. */
export { PROCESSING_CHOICES, TRADE_AREA_CHOICES } from '../api/rules'

const one = (v: LocationQuery[string]): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).toString()

export function emptySearch(): DirectorySearch {
  return { q: '', industry: '', area: '', processing: '', pages: 1 }
}

/** The search of a URL query (unknown or odd values fall back to the empty search's). */
export function searchFromQuery(query: LocationQuery): DirectorySearch {
  const pages = Number.parseInt(one(query.pages), 10)
  return {
    q: one(query.q),
    industry: one(query.industry).trim().toUpperCase(),
    area: one(query.area),
    processing: one(query.processing),
    pages: Number.isFinite(pages) && pages >= 1 && pages <= 50 ? pages : 1,
  }
}

/** The URL query of a search: only what is set, so that a plain /directory is the empty search. */
export function searchToQuery(s: DirectorySearch): LocationQueryRaw {
  const out: LocationQueryRaw = {}
  if (s.q.trim()) out.q = s.q.trim()
  if (s.industry) out.industry = s.industry
  if (s.area.trim()) out.area = s.area.trim()
  if (s.processing.trim()) out.processing = s.processing.trim()
  if (s.pages > 1) out.pages = String(s.pages)
  return out
}

/** Whether two searches ask the same (the number of pages shown aside). */
export function sameSearch(a: DirectorySearch, b: DirectorySearch): boolean {
  return a.q.trim() === b.q.trim() && a.industry === b.industry && a.area.trim() === b.area.trim() && a.processing.trim() === b.processing.trim()
}

export function isEmptySearch(s: DirectorySearch): boolean {
  return !s.q.trim() && !s.industry && !s.area.trim() && !s.processing.trim()
}

/** The form's own checks (the API's are the same; its answer wins). */
export function validateSearch(s: DirectorySearch): Record<string, string> {
  const err: Record<string, string> = {}
  if (countChars(s.q) > SEARCH_LIMITS.q) err.q = `キーワードは${SEARCH_LIMITS.q}文字以内で入力してください。`
  if (countChars(s.area) > SEARCH_LIMITS.area) err.area = `お取引エリアは${SEARCH_LIMITS.area}文字以内で入力してください。`
  if (countChars(s.processing) > SEARCH_LIMITS.processing) err.processing = `加工分類は${SEARCH_LIMITS.processing}文字以内で入力してください。`
  return err
}

export interface IndustryPick {
  major: string
  middle: string
  minor: string
}

/** The code the search sends for the three selects: the most specific one chosen. */
export function industryCode(p: IndustryPick): string {
  return p.minor || p.middle || p.major
}

/** The three selects for a code of the URL: a major letter, a middle (2 digits) or a minor (3 digits). */
export function industryPick(tree: IndustryNode[], code: string): IndustryPick {
  const empty = { major: '', middle: '', minor: '' }
  if (!code) return empty
  for (const major of tree) {
    if (major.code === code) return { major: code, middle: '', minor: '' }
    for (const middle of major.children ?? []) {
      if (middle.code === code) return { major: major.code, middle: code, minor: '' }
      for (const minor of middle.children ?? []) if (minor.code === code) return { major: major.code, middle: middle.code, minor: code }
    }
  }
  return empty
}

/** The name of a JSIC code in the tree ('' when unknown). */
export function industryLabel(tree: IndustryNode[], code: string): string {
  const p = industryPick(tree, code)
  const level = p.minor ? 3 : p.middle ? 2 : p.major ? 1 : 0
  let nodes = tree
  let name = ''
  for (const c of [p.major, p.middle, p.minor].slice(0, level)) {
    const n = nodes.find((x) => x.code === c)
    name = n?.name ?? ''
    nodes = n?.children ?? []
  }
  return name
}

/** 2000-04 → 2000年4月 (other text as it is). */
export function yearMonth(v: string | null | undefined): string {
  if (!v) return ''
  const m = /^(\d{4})-(\d{1,2})/.exec(v)
  return m ? `${m[1]}年${Number(m[2])}月` : v
}

/** 資本金 in 千円 → 「1億2,345万円」 style is error-prone: shown as the profile keeps it, 「12,345千円」. */
export function thousandYen(v: number | null | undefined): string {
  return v === null || v === undefined ? '' : `${v.toLocaleString('ja-JP')}千円`
}

export function people(v: number | null | undefined): string {
  return v === null || v === undefined ? '' : `${v.toLocaleString('ja-JP')}人`
}

/** 国産 / 輸入 of an equipment row ('' when not given). */
export function domesticLabel(v: boolean | null | undefined): string {
  return v === true ? '国産' : v === false ? '輸入' : ''
}

/** A short summary of what was searched, for the result count line. */
export function describeSearch(s: DirectorySearch, tree: IndustryNode[]): string {
  const parts: string[] = []
  if (s.q.trim()) parts.push(`キーワード「${s.q.trim()}」`)
  if (s.industry) parts.push(`業種「${industryLabel(tree, s.industry) || s.industry}」`)
  if (s.area.trim()) parts.push(`お取引エリア「${s.area.trim()}」`)
  if (s.processing.trim()) parts.push(`加工分類「${s.processing.trim()}」`)
  return parts.join('、')
}
