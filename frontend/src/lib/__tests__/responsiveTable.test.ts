import { describe, expect, it } from 'vitest'
import { defineComponent, nextTick, ref } from 'vue'
import { mount } from '@vue/test-utils'
import { labelCells, syncFrame, vResponsiveTable } from '../responsiveTable'

function table(html: string): HTMLTableElement {
  const div = document.createElement('div')
  div.innerHTML = html
  return div.querySelector('table')!
}

describe('v-responsive-table', () => {
  it('labels each body cell with its column header, colspans counted, and marks the table for stacking', () => {
    const t = table(`<table><thead><tr><th>日付</th><th colspan="2">時間</th><th>定員</th></tr></thead>
      <tbody><tr><td>12/14</td><td>14:00</td><td>16:00</td><th scope="row">30</th></tr>
      <tr><td colspan="4">操作</td></tr></tbody></table>`)
    labelCells(t)
    expect(t.classList.contains('table-stack')).toBe(true)
    const [first, second] = Array.from(t.tBodies[0]!.rows)
    expect(Array.from(first!.cells).map((c) => c.dataset.label)).toEqual(['日付', '時間', '時間', '定員'])
    expect(second!.cells[0]!.hasAttribute('data-label')).toBe(false) // a cell across every column belongs to none
  })

  it('follows rows added later (the directive updates with its component)', async () => {
    const rows = ref(['a'])
    const C = defineComponent({
      directives: { responsiveTable: vResponsiveTable },
      setup: () => ({ rows }),
      template: `<table v-responsive-table><thead><tr><th>催し</th></tr></thead><tbody><tr v-for="r in rows" :key="r"><td>{{ r }}</td></tr></tbody></table>`,
    })
    const w = mount(C)
    rows.value.push('b')
    await nextTick()
    expect(w.findAll('td').map((td) => td.attributes('data-label'))).toEqual(['催し', '催し'])
  })

  it('makes a scrolling frame a named tab stop, and a frame that fits no tab stop', () => {
    const div = document.createElement('div')
    div.innerHTML = `<section aria-labelledby="h"><h2 id="h">日程</h2><div class="overflow-x-auto"><table><tbody><tr><td>x</td></tr></tbody></table></div></section>`
    document.body.append(div)
    const frame = div.querySelector<HTMLElement>('.overflow-x-auto')!
    const t = div.querySelector('table')!
    Object.defineProperty(frame, 'clientWidth', { configurable: true, value: 300 })
    Object.defineProperty(frame, 'scrollWidth', { configurable: true, value: 600 })
    syncFrame(t)
    expect(frame.getAttribute('tabindex')).toBe('0')
    expect(frame.getAttribute('role')).toBe('region')
    expect(frame.getAttribute('aria-label')).toBe('日程（横にスクロールできます）')
    Object.defineProperty(frame, 'scrollWidth', { configurable: true, value: 300 })
    syncFrame(t)
    expect(frame.hasAttribute('tabindex')).toBe(false)
    expect(frame.hasAttribute('role')).toBe(false)
    div.remove()
  })
})
