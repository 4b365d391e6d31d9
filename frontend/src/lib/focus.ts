// Focus management for keyboard and screen-reader users.
//
// After a navigation, and after a screen changes step in place (申請入力 → 申請入力確認 → 申請完了,
// 変更 → 完了, …), the reader should start at the new screen's heading. A heading is not focusable
// by itself: without tabindex="-1", focus() does nothing and the focus falls back to <body> (the
// button that was pressed went away with the old step), so a keyboard user would have to Tab
// through the whole header again.

/** Focus the main heading (making it focusable first); false when there is none. */
export function focusHeading(root: ParentNode | null = document.querySelector('main')): boolean {
  const h = (root ?? document).querySelector<HTMLElement>('h1')
  if (!h) return false
  if (!h.hasAttribute('tabindex')) h.setAttribute('tabindex', '-1')
  h.focus({ preventScroll: true })
  return true
}
