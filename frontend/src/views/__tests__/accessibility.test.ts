import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { router } from '../../router'
import results from '../../accessibility/results.json'
import AccessibilityView from '../AccessibilityView.vue'
import { CRITERIA, checklist, japaneseDate, latestTestDate, resultRows, testedRoutes, type A11yResults } from '../../lib/accessibility'

const recorded = results as A11yResults

const sample = (violations = 0, reflow = true): A11yResults => ({
  note: '',
  sections: {
    'screens-member': {
      kind: 'screens',
      area: 'member',
      tested_on: '2026-06-01',
      axe_version: '4.14.1',
      tags: ['wcag2a'],
      widths: [1280, 320],
      rules: ['color-contrast'],
      criteria: ['1.4.3', '2.1.3'],
      reflow_criteria: ['1.4.10'],
      screens: [{ route: '/portal', path: '/portal', title: '企業Myポータル', states: ['ログアウト確認'], violations, reflow }],
    },
    'keyboard-login': { kind: 'keyboard', tested_on: '2026-06-02', journey: 'ログイン', area: 'visitor', focus_checks: 5, criteria: ['2.1.1', '2.4.7'] },
  },
})

describe('ウェブアクセシビリティ方針: the recorded results', () => {
  it('cover every screen of the router (the browser suite records one section per area)', () => {
    const routes = router
      .getRoutes()
      .filter((r) => r.components)
      .map((r) => r.path)
    const tested = testedRoutes(recorded)
    expect(routes.filter((r) => !tested.has(r))).toEqual([])
    expect(Object.keys(recorded.sections).filter((k) => k.startsWith('screens-')).sort()).toEqual(['screens-member', 'screens-staff', 'screens-visitor'])
  })

  it('lists the 50 WCAG 2.1 A/AA criteria once each', () => {
    expect(CRITERIA).toHaveLength(50)
    expect(new Set(CRITERIA.map((c) => c.id)).size).toBe(50)
    expect(CRITERIA.filter((c) => c.level === 'AA')).toHaveLength(20)
  })
})

describe('ウェブアクセシビリティ方針: tables from a record', () => {
  it('reports each area and the keyboard journeys, A/AA criteria only, with the date tested', () => {
    const rows = resultRows(sample())
    expect(rows).toHaveLength(2)
    expect(rows[0]!.criteria).toEqual(['1.4.3', '1.4.10']) // 2.1.3 is AAA: not reported
    expect(rows[0]!.result).toBe('問題なし')
    expect(rows[0]!.method).toContain('axe-core 4.14.1')
    expect(rows[1]!.target).toContain('ログイン')
    expect(latestTestDate(sample())).toBe('2026-06-02')
    expect(japaneseDate('2026-06-02')).toBe('2026年6月2日')
  })

  it('shows a recorded violation or reflow failure as 問題あり, never as passed', () => {
    expect(resultRows(sample(2))[0]!.result).toBe('問題あり（2件）')
    expect(resultRows(sample(0, false))[0]!.result).toBe('問題あり（1件）')
    expect(checklist(sample(2)).find((c) => c.id === '1.4.3')!.result).toBe('問題あり（2件）')
  })

  it('marks a criterion no test checks as outside the test, not as passed', () => {
    const rows = checklist(sample())
    expect(rows.find((c) => c.id === '1.4.3')).toMatchObject({ methods: ['自動試験'], result: '問題なし' })
    expect(rows.find((c) => c.id === '1.4.10')).toMatchObject({ methods: ['320px表示試験'], result: '問題なし' })
    expect(rows.find((c) => c.id === '2.4.7')).toMatchObject({ methods: ['キーボード操作試験'], result: '問題なし' })
    expect(rows.find((c) => c.id === '1.2.5')).toMatchObject({ methods: [], result: 'この試験の対象外（人による確認が必要）' })
  })

  it('renders the policy, the result table and the checklist', () => {
    const w = mount(AccessibilityView, { props: { data: sample() }, global: { stubs: { RouterLink: true } } })
    expect(w.get('h1').text()).toBe('ウェブアクセシビリティ方針')
    expect(w.text()).toContain('JIS X 8341-3:2016')
    expect(w.text()).toContain('適合レベルAAに準拠')
    expect(w.get('[data-testid=a11y-latest]').text()).toContain('2026年6月2日')
    const rows = w.findAll('[data-testid=a11y-results] tbody tr')
    expect(rows).toHaveLength(2)
    expect(rows[0]!.text()).toContain('2026年6月1日')
    expect(rows[0]!.text()).toContain('問題なし')
    expect(w.findAll('[data-testid=a11y-checklist] tbody tr')).toHaveLength(50)
    expect(w.findAll('[data-testid=a11y-screens] tbody tr')).toHaveLength(1)
  })
})
