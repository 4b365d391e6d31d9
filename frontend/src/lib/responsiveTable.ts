import type { Directive } from 'vue'

// v-responsive-table: a data table that reads at any width (WCAG 1.4.10 リフロー, JIS X 8341-3).
//
// - Below 640 px (style.css, `.table-stack`) each row becomes a card: the column headers are kept for
//   screen readers but hidden, and each cell shows its column's name before its value
//   (`data-label`, copied here from the header row, so a template never repeats its headers).
// - At any width, a table still wider than its scrolling frame (`.overflow-x-auto`) makes the frame a
//   keyboard-focusable, named region, so it can be scrolled without a mouse (axe:
//   scrollable-region-focusable); a frame that does not scroll is no tab stop.

/** Copy each column header's text to the body cells of its column (`data-label`), colspans counted. */
export function labelCells(table: HTMLTableElement): void {
  table.classList.add('table-stack')
  const head = table.tHead?.rows[0]
  if (!head) return
  const labels: string[] = []
  for (const th of Array.from(head.cells)) {
    const text = (th.dataset.label ?? th.textContent ?? '').replace(/\s+/g, ' ').trim()
    for (let i = 0; i < th.colSpan; i++) labels.push(text)
  }
  for (const body of Array.from(table.tBodies)) {
    for (const row of Array.from(body.rows)) {
      let col = 0
      for (const cell of Array.from(row.cells)) {
        const label = cell.colSpan === 1 ? labels[col] : undefined // a cell across columns belongs to none of them
        if (label) cell.setAttribute('data-label', label)
        else cell.removeAttribute('data-label')
        col += cell.colSpan
      }
    }
  }
}

/** The scrolling frame around the table (its nearest `.overflow-x-auto` ancestor), if any. */
function frameOf(table: HTMLElement): HTMLElement | null {
  return table.parentElement?.closest<HTMLElement>('.overflow-x-auto') ?? null
}

/** The table's name for its frame: its caption, else the heading of its section, else 表. */
function tableName(table: HTMLTableElement): string {
  const caption = table.caption?.textContent?.trim()
  if (caption) return caption
  const labelledby = table.closest('section[aria-labelledby]')?.getAttribute('aria-labelledby')
  const heading = labelledby ? document.getElementById(labelledby)?.textContent?.trim() : ''
  return heading || table.getAttribute('aria-label') || '表'
}

/** A frame that scrolls is a tab stop with a name; one that does not is left alone. */
export function syncFrame(table: HTMLTableElement): void {
  const frame = frameOf(table)
  if (!frame) return
  const scrolls = frame.scrollWidth > frame.clientWidth + 1
  if (scrolls) {
    frame.setAttribute('tabindex', '0')
    frame.setAttribute('role', 'region')
    const name = tableName(table)
    frame.setAttribute('aria-label', `${name}（横にスクロールできます）`)
  } else if (frame.getAttribute('tabindex') === '0') {
    frame.removeAttribute('tabindex')
    frame.removeAttribute('role')
    frame.removeAttribute('aria-label')
  }
}

const observers = new WeakMap<HTMLElement, ResizeObserver>()

export const vResponsiveTable: Directive<HTMLTableElement> = {
  mounted(table) {
    labelCells(table)
    syncFrame(table)
    const frame = frameOf(table)
    if (frame && typeof ResizeObserver !== 'undefined') {
      const ro = new ResizeObserver(() => syncFrame(table))
      ro.observe(frame)
      ro.observe(table)
      observers.set(table, ro)
    }
  },
  updated(table) {
    labelCells(table)
    syncFrame(table)
  },
  unmounted(table) {
    observers.get(table)?.disconnect()
    observers.delete(table)
  },
}
