import { describe, expect, it } from 'vitest'
import { PHONE_PATTERN } from '../../api/rules'
import { PHONE_RE, emptyProfile, isWebUrl, industryChoices, industryName, isRequired, normaliseProfile, requiredFields, toPayload, validateProfile } from '../profile'

describe('法人 conditional required rule', () => {
  it('always requires 法人区分, 企業名, 利用者名', () => {
    const p = emptyProfile()
    expect(Object.keys(validateProfile(p)).sort()).toEqual(['company_name', 'corporate_type', 'user.name'])
  })
  it('adds 業種(大)(中), 資本金, 従業員数, 事業所名 for 法人', () => {
    const p = emptyProfile()
    p.corporate_type = 'corporation'
    p.company_name = '株式会社中小ニット'
    p.user.name = '中企小太郎'
    expect(Object.keys(validateProfile(p)).sort()).toEqual(
      ['capital_thousand_yen', 'employees.total', 'industry.major', 'industry.middle', 'office_name'].sort(),
    )
    expect(isRequired('office_name', p)).toBe(true)
  })
  it('does not add them for 個人事業者 / 創業予定者', () => {
    for (const t of ['sole_proprietor', 'founder'] as const) {
      const p = emptyProfile()
      p.corporate_type = t
      p.company_name = '中企小太郎'
      p.user.name = '中企小太郎'
      expect(validateProfile(p)).toEqual({})
      expect(requiredFields(p)).not.toContain('office_name')
    }
  })
  it('treats 0 as a value (資本金 0 is filled in)', () => {
    const p = emptyProfile()
    Object.assign(p, { corporate_type: 'corporation', company_name: 'x', office_name: 'y', capital_thousand_yen: 0 })
    p.user.name = 'n'
    p.industry = { major: 'E', middle: '24', minor: '' }
    p.employees.total = 0
    expect(validateProfile(p)).toEqual({})
  })
  it('checks ホームページURL with the server rule (absolute http(s), a host, no credentials, no spaces or backslashes)', () => {
    for (const ok of ['https://www.example.co.jp/', 'http://example.jp:8080/a?b=c#d', 'HTTPS://例え.jp/'])
      expect(isWebUrl(ok), ok).toBe(true)
    for (const bad of ['www.x', '/a', '//evil.example', 'javascript:alert(1)', 'http://user@x', 'https://user:pw@x/', ' https://x', 'https://x y', 'https://x\\y', 'https://', 'http:evil.example'])
      expect(isWebUrl(bad), bad).toBe(false)
    const p = emptyProfile()
    Object.assign(p, { corporate_type: 'founder', company_name: 'x', homepage_url: 'https://user@evil.example/' })
    p.user.name = 'n'
    expect(validateProfile(p).homepage_url).toBe('ホームページURLは http:// または https:// で始まる形式で入力してください。')
  })
  it('checks formats and negatives', () => {
    const p = emptyProfile()
    Object.assign(p, { corporate_type: 'founder', company_name: 'x', homepage_url: 'www.x', postal_code: '1234', officers_count: -1 })
    p.user.name = 'n'
    p.user.email = 'bad'
    const e = validateProfile(p)
    expect(Object.keys(e).sort()).toEqual(['homepage_url', 'officers_count', 'postal_code', 'user.email'])
  })
})

describe('profile shape', () => {
  it('fills missing keys and null strings from the API', () => {
    const p = normaliseProfile({ company_name: 'A', representative: { name: null }, equipment: [{ name: '旋盤' }], staff_fields: { member_number: '1' } })
    expect(p.company_name).toBe('A')
    expect(p.representative.name).toBe('')
    expect(p.representative.title).toBe('')
    expect(p.equipment[0]).toMatchObject({ name: '旋盤', maker: '', count: null })
    expect(p.staff_fields).toEqual({ member_number: '1' })
  })
  it('payload drops staff_fields, trims, empties to null, keeps equipment rows in order', () => {
    const p = normaliseProfile({ company_name: ' A ', staff_fields: { member_number: '1' }, trade_areas: ['東京', ' ', '全国'] })
    p.equipment.push({ capability_class: '', name: '', domestic: null, maker: '', count: null, note: '' })
    p.equipment.push({ capability_class: '', name: 'プレス', domestic: true, maker: '', count: 2, note: '' })
    const b = toPayload(p)
    expect(b.staff_fields).toBeUndefined()
    expect(b.company_name).toBe('A')
    expect(b.common_name).toBeNull()
    expect(b.trade_areas).toEqual(['東京', '全国'])
    expect((b.equipment as { name: string | null }[]).map((e) => e.name)).toEqual([null, 'プレス'])
    expect(toPayload(p, { dropEmail: true }).user).not.toHaveProperty('email')
  })
  it('cascades JSIC choices', () => {
    const tree = [{ code: 'E', name: '製造業', children: [{ code: '24', name: '金属製品', children: [{ code: '2441', name: '建設用金属製品' }] }] }]
    expect(industryChoices(tree, 'E', '24').minors.map((m) => m.code)).toEqual(['2441'])
    expect(industryChoices(tree, '', '').middles).toEqual([])
  })
})

describe('phone numbers follow the server rule (PHONE_PATTERN from the OpenAPI document)', () => {
  const phoneError = (phone: string) => {
    const p = emptyProfile()
    p.phone = phone
    p.user.fax = phone
    const err = validateProfile(p)
    return [err.phone, err['user.fax']]
  }

  it('accepts what the server accepts: 10–11 digits starting with 0, hyphens between groups, or blank', () => {
    for (const ok of ['', '03-1234-5678', '0312345678', '090-1234-5678', '09012345678', '0120-123-456', '04992-1-2345']) {
      expect(phoneError(ok), ok).toEqual([undefined, undefined])
    }
  })

  it('refuses what the server refuses, which the old /^[0-9+\\-() ]{6,20}$/ let through', () => {
    for (const bad of ['123456', '+81 3 1234 5678', '(03) 1234-5678', '03-1234-567', '090-1234-56789', '03--12345678', '3-1234-5678', '０３-１２３４-５６７８']) {
      const [phone, fax] = phoneError(bad)
      expect(phone, bad).toMatch(/電話番号/)
      expect(fax, bad).toBeTruthy()
    }
  })

  it('uses the pattern of the generated rules, which the server exports into its schema', () => {
    expect(PHONE_RE.source).toBe(PHONE_PATTERN.replaceAll('\\d', '\\p{Nd}'))
    expect(PHONE_PATTERN).toContain('0\\d{')
  })
})

describe('industryName', () => {
  const tree = [{ code: 'E', name: '製造業', children: [{ code: '11', name: '繊維工業', children: [{ code: '115', name: '綱・網・レース・繊維粗製品製造業', children: [] }] }] }]
  it('names each level, and a 4-digit 細分類 code by its 小分類 (not a bare 「1151」)', () => {
    expect(industryName(tree as never, { major: 'E', middle: '11', minor: '115' }).minor).toBe('115 綱・網・レース・繊維粗製品製造業')
    expect(industryName(tree as never, { major: 'E', middle: '11', minor: '1151' }).minor).toBe('1151 綱・網・レース・繊維粗製品製造業')
    expect(industryName(tree as never, { major: 'E', middle: '11', minor: '9999' }).minor).toBe('9999')
  })
})
