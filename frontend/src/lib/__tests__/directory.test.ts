import { describe, expect, it } from 'vitest'
import type { IndustryNode } from '../../api/types'
import {
  describeSearch,
  emptySearch,
  industryCode,
  industryLabel,
  industryPick,
  isEmptySearch,
  sameSearch,
  searchFromQuery,
  searchToQuery,
  thousandYen,
  validateSearch,
  yearMonth,
} from '../directory'

const TREE: IndustryNode[] = [
  {
    code: 'E',
    name: '製造業',
    children: [
      { code: '24', name: '金属製品製造業', children: [{ code: '244', name: '建設用・建築用金属製品製造業', children: [] }] },
      { code: '25', name: 'はん用機械器具製造業', children: [] },
    ],
  },
  { code: 'G', name: '情報通信業', children: [] },
]

describe('会員企業検索: the search in the URL', () => {
  it('round-trips a search through the query, keeping only what is set', () => {
    const s = { q: 'ぷれす 金型', industry: '24', area: '関東', processing: '', pages: 3 }
    const q = searchToQuery(s)
    expect(q).toEqual({ q: 'ぷれす 金型', industry: '24', area: '関東', pages: '3' })
    expect(searchFromQuery(q as Record<string, string>)).toEqual(s)
    expect(searchToQuery(emptySearch())).toEqual({})
  })

  it('reads odd query values as the empty search', () => {
    expect(searchFromQuery({ pages: 'x', industry: ['e', 'G'], q: null })).toEqual({ ...emptySearch(), industry: 'E' })
    expect(searchFromQuery({ pages: '0' }).pages).toBe(1)
    expect(searchFromQuery({ pages: '999' }).pages).toBe(1)
  })

  it('tells a new search from 「さらに表示」 of the same one', () => {
    const a = { ...emptySearch(), q: 'プレス' }
    expect(sameSearch(a, { ...a, pages: 2 })).toBe(true)
    expect(sameSearch(a, { ...a, q: 'プレス ' })).toBe(true)
    expect(sameSearch(a, { ...a, area: '関東' })).toBe(false)
    expect(isEmptySearch({ ...emptySearch(), q: '  ' })).toBe(true)
  })

  it('checks the lengths the API checks, in Japanese', () => {
    expect(validateSearch({ ...emptySearch(), q: 'あ'.repeat(100) })).toEqual({})
    const err = validateSearch({ ...emptySearch(), q: 'あ'.repeat(101), area: 'x'.repeat(101) })
    expect(err.q).toMatch(/100文字以内/)
    expect(err.area).toMatch(/お取引エリア/)
  })
})

describe('会員企業検索: 業種 at any level', () => {
  it('sends the most specific class chosen', () => {
    expect(industryCode({ major: 'E', middle: '', minor: '' })).toBe('E')
    expect(industryCode({ major: 'E', middle: '24', minor: '' })).toBe('24')
    expect(industryCode({ major: 'E', middle: '24', minor: '244' })).toBe('244')
    expect(industryCode({ major: '', middle: '', minor: '' })).toBe('')
  })

  it('fills the three selects from a code of the URL', () => {
    expect(industryPick(TREE, '244')).toEqual({ major: 'E', middle: '24', minor: '244' })
    expect(industryPick(TREE, '25')).toEqual({ major: 'E', middle: '25', minor: '' })
    expect(industryPick(TREE, 'G')).toEqual({ major: 'G', middle: '', minor: '' })
    expect(industryPick(TREE, '999')).toEqual({ major: '', middle: '', minor: '' })
    expect(industryLabel(TREE, '24')).toBe('金属製品製造業')
  })

  it('describes what was searched', () => {
    expect(describeSearch({ q: ' ぷれす ', industry: '24', area: '', processing: '溶接', pages: 1 }, TREE)).toBe(
      'キーワード「ぷれす」、業種「金属製品製造業」、加工分類「溶接」',
    )
  })
})

describe('会員企業検索: published values', () => {
  it('shows year-months and 千円 amounts as a reader expects', () => {
    expect(yearMonth('1998-04')).toBe('1998年4月')
    expect(yearMonth(null)).toBe('')
    expect(thousandYen(12000)).toBe('12,000千円')
    expect(thousandYen(null)).toBe('')
  })
})
