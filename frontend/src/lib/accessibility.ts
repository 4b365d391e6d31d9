// ウェブアクセシビリティ方針 (/accessibility): the test results the browser suite records in
// src/accessibility/results.json (tests/browser/a11y_record.py), turned into the page's tables.
// Nothing here states a result by itself: every 問題なし comes from a recorded run.

export type Area = 'visitor' | 'member' | 'staff'

export interface ScreenResult {
  /** the route as the router names it (/offerings/:id) */
  route: string
  /** the address checked: the route's own ids as :name, no query (/admin/content/events, /offerings/:offering) */
  path: string
  title: string
  /** the states checked besides the first view (入力エラー, ダイアログ…) */
  states: string[]
  /** axe violations found on the screen, every state and width counted */
  violations: number
  /** at 320 CSS px: nothing scrolls sideways and no text is one character per line */
  reflow: boolean
}

export interface ScreensSection {
  kind: 'screens'
  area: Area
  tested_on: string
  axe_version: string
  tags: string[]
  widths: number[]
  /** the axe rules run (their ids) and the success criteria they test (from axe's own tags) */
  rules: string[]
  criteria: string[]
  /** what the 320 px check stands for */
  reflow_criteria: string[]
  screens: ScreenResult[]
}

export interface KeyboardSection {
  kind: 'keyboard'
  tested_on: string
  journey: string
  area: Area
  /** how many times the journey checked that the focused control was the expected one, with a visible focus */
  focus_checks: number
  criteria: string[]
}

export type Section = ScreensSection | KeyboardSection

export interface A11yResults {
  note: string
  sections: Record<string, Section>
}

export const AREA_LABELS: Record<Area, string> = {
  visitor: 'ログイン前の画面（ログイン、新規会員登録、パスワード再設定など）',
  member: '会員向け画面',
  staff: '公社職員向け管理画面',
}

/** WCAG 2.1 level A and AA (JIS X 8341-3:2016 = WCAG 2.0, plus the criteria 2.1 added, marked `added`). */
export const CRITERIA: { id: string; name: string; level: 'A' | 'AA'; added?: boolean }[] = [
  { id: '1.1.1', name: '非テキストコンテンツ', level: 'A' },
  { id: '1.2.1', name: '音声のみ及び映像のみ（収録済み）', level: 'A' },
  { id: '1.2.2', name: 'キャプション（収録済み）', level: 'A' },
  { id: '1.2.3', name: '音声解説、又はメディアに対する代替（収録済み）', level: 'A' },
  { id: '1.2.4', name: 'キャプション（ライブ）', level: 'AA' },
  { id: '1.2.5', name: '音声解説（収録済み）', level: 'AA' },
  { id: '1.3.1', name: '情報及び関係性', level: 'A' },
  { id: '1.3.2', name: '意味のある順序', level: 'A' },
  { id: '1.3.3', name: '感覚的な特徴', level: 'A' },
  { id: '1.3.4', name: '表示の向き', level: 'AA', added: true },
  { id: '1.3.5', name: '入力目的の特定', level: 'AA', added: true },
  { id: '1.4.1', name: '色の使用', level: 'A' },
  { id: '1.4.2', name: '音声の制御', level: 'A' },
  { id: '1.4.3', name: 'コントラスト（最低限）', level: 'AA' },
  { id: '1.4.4', name: 'テキストのサイズ変更', level: 'AA' },
  { id: '1.4.5', name: '文字画像', level: 'AA' },
  { id: '1.4.10', name: 'リフロー', level: 'AA', added: true },
  { id: '1.4.11', name: '非テキストのコントラスト', level: 'AA', added: true },
  { id: '1.4.12', name: 'テキストの間隔', level: 'AA', added: true },
  { id: '1.4.13', name: 'ホバー又はフォーカスで表示されるコンテンツ', level: 'AA', added: true },
  { id: '2.1.1', name: 'キーボード', level: 'A' },
  { id: '2.1.2', name: 'キーボードトラップなし', level: 'A' },
  { id: '2.1.4', name: '文字キーのショートカット', level: 'A', added: true },
  { id: '2.2.1', name: 'タイミング調整可能', level: 'A' },
  { id: '2.2.2', name: '一時停止、停止及び非表示', level: 'A' },
  { id: '2.3.1', name: '3回の閃光、又は閾値以下', level: 'A' },
  { id: '2.4.1', name: 'ブロックスキップ', level: 'A' },
  { id: '2.4.2', name: 'ページタイトル', level: 'A' },
  { id: '2.4.3', name: 'フォーカス順序', level: 'A' },
  { id: '2.4.4', name: 'リンクの目的（コンテキスト内）', level: 'A' },
  { id: '2.4.5', name: '複数の手段', level: 'AA' },
  { id: '2.4.6', name: '見出し及びラベル', level: 'AA' },
  { id: '2.4.7', name: 'フォーカスの可視化', level: 'AA' },
  { id: '2.5.1', name: 'ポインタのジェスチャ', level: 'A', added: true },
  { id: '2.5.2', name: 'ポインタのキャンセル', level: 'A', added: true },
  { id: '2.5.3', name: 'ラベルを含む名前（name）', level: 'A', added: true },
  { id: '2.5.4', name: '動きによる起動', level: 'A', added: true },
  { id: '3.1.1', name: 'ページの言語', level: 'A' },
  { id: '3.1.2', name: '一部分の言語', level: 'AA' },
  { id: '3.2.1', name: 'フォーカス時', level: 'A' },
  { id: '3.2.2', name: '入力時', level: 'A' },
  { id: '3.2.3', name: '一貫したナビゲーション', level: 'AA' },
  { id: '3.2.4', name: '一貫した識別性', level: 'AA' },
  { id: '3.3.1', name: 'エラーの特定', level: 'A' },
  { id: '3.3.2', name: 'ラベル又は説明', level: 'A' },
  { id: '3.3.3', name: 'エラー修正の提案', level: 'AA' },
  { id: '3.3.4', name: 'エラー回避（法的、金融、データ）', level: 'AA' },
  { id: '4.1.1', name: '構文解析', level: 'A' },
  { id: '4.1.2', name: '名前（name）、役割（role）及び値（value）', level: 'A' },
  { id: '4.1.3', name: 'ステータスメッセージ', level: 'AA', added: true },
]

const LISTED = new Set(CRITERIA.map((c) => c.id))
/** Only level A and AA criteria are reported (axe tags some rules with an AAA criterion too, e.g. 2.1.3). */
const listed = (ids: string[]) => ids.filter((c) => LISTED.has(c))

const screensSections = (r: A11yResults) => Object.values(r.sections).filter((s): s is ScreensSection => s.kind === 'screens')
const keyboardSections = (r: A11yResults) => Object.values(r.sections).filter((s): s is KeyboardSection => s.kind === 'keyboard')
const AREA_ORDER: Area[] = ['visitor', 'member', 'staff']

/** 2026-06-01 → 2026年6月1日 */
export function japaneseDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso)
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : iso
}

/** The latest date any part was tested on (ISO), or '' when nothing was recorded. */
export function latestTestDate(r: A11yResults): string {
  return Object.values(r.sections)
    .map((s) => s.tested_on)
    .sort()
    .at(-1) ?? ''
}

export interface ResultRow {
  tested_on: string
  target: string
  method: string
  criteria: string[]
  problems: number
  result: string
}

function resultText(problems: number): string {
  return problems === 0 ? '問題なし' : `問題あり（${problems}件）`
}

/** 試験結果: one row per group of screens (axe + 320 px), one for the keyboard journeys. */
export function resultRows(r: A11yResults): ResultRow[] {
  const rows: ResultRow[] = []
  for (const area of AREA_ORDER) {
    const s = screensSections(r).find((x) => x.area === area)
    if (!s) continue
    const states = s.screens.reduce((n, x) => n + x.states.length, 0)
    const problems = s.screens.reduce((n, x) => n + x.violations + (x.reflow ? 0 : 1), 0)
    rows.push({
      tested_on: s.tested_on,
      target: `${AREA_LABELS[area]}：${s.screens.length}画面（入力エラー表示・確認ダイアログなど${states}の状態を含む）`,
      method: `axe-core ${s.axe_version} による自動試験（画面幅 ${s.widths.map((w) => `${w}px`).join('・')}）、画面幅 320px での表示試験`,
      criteria: listed([...new Set([...s.criteria, ...s.reflow_criteria])]).sort(byCriterion),
      problems,
      result: resultText(problems),
    })
  }
  const kb = keyboardSections(r)
  if (kb.length) {
    const checks = kb.reduce((n, k) => n + k.focus_checks, 0)
    rows.push({
      tested_on: kb.map((k) => k.tested_on).sort().at(-1) ?? '',
      target: `キーボードだけで行う${kb.length}つの操作：${kb.map((k) => k.journey).join('、')}`,
      method: `マウスを使わず Tab・Shift+Tab・Enter・Space・矢印キーだけで操作し、移動先とフォーカスの表示を${checks}か所で確認`,
      criteria: listed([...new Set(kb.flatMap((k) => k.criteria))]).sort(byCriterion),
      problems: 0,
      result: resultText(0),
    })
  }
  return rows
}

export function byCriterion(a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0)
  return 0
}

export interface ChecklistRow {
  id: string
  name: string
  level: 'A' | 'AA'
  added: boolean
  methods: string[]
  result: string
}

/** 達成基準チェックリスト: each WCAG 2.1 A/AA criterion, how the recorded tests checked it, and the result. */
export function checklist(r: A11yResults): ChecklistRow[] {
  const axe = new Map<string, number>()
  const reflow = new Map<string, number>()
  for (const s of screensSections(r)) {
    const violations = s.screens.reduce((n, x) => n + x.violations, 0)
    const reflowProblems = s.screens.filter((x) => !x.reflow).length
    for (const c of s.criteria) axe.set(c, (axe.get(c) ?? 0) + violations)
    for (const c of s.reflow_criteria) reflow.set(c, (reflow.get(c) ?? 0) + reflowProblems)
  }
  const keyboard = new Set(keyboardSections(r).flatMap((k) => k.criteria))
  return CRITERIA.map((c) => {
    const methods: string[] = []
    let problems = 0
    if (axe.has(c.id)) {
      methods.push('自動試験')
      problems += axe.get(c.id) ?? 0
    }
    if (reflow.has(c.id)) {
      methods.push('320px表示試験')
      problems += reflow.get(c.id) ?? 0
    }
    if (keyboard.has(c.id)) methods.push('キーボード操作試験')
    return {
      id: c.id,
      name: c.name,
      level: c.level,
      added: !!c.added,
      methods,
      result: methods.length ? resultText(problems) : 'この試験の対象外（人による確認が必要）',
    }
  })
}

/** Every screen recorded, in the order tested, with its area. */
export function screenRows(r: A11yResults): (ScreenResult & { area: Area })[] {
  return AREA_ORDER.flatMap((area) => screensSections(r).filter((s) => s.area === area).flatMap((s) => s.screens.map((x) => ({ ...x, area }))))
}

/** The routes the recorded screens cover (each screens section's `route`s). */
export function testedRoutes(r: A11yResults): Set<string> {
  return new Set(screensSections(r).flatMap((s) => s.screens.map((x) => x.route)))
}
