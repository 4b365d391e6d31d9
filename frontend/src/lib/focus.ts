// Focus management for keyboard and screen-reader users.
//
// After a navigation, and after a screen changes step in place (申請入力 → 申請入力確認 → 申請完了,
// 変更 → 完了, …), the reader should start at the new screen's heading. A step change removes the
// button that was pressed, so the focus falls back to <body> and a keyboard user would have to
// Tab through the whole header again. `focusHeading` moves it to the main heading;
// `keepFocusOnStepChange` does so whenever a new heading appears in `root` while the focus is lost,
// and never takes the focus away from a control the user is on.

export function focusHeading(root: ParentNode = document): boolean {
  const h = root.querySelector<HTMLElement>('h1')
  if (!h) return false
  if (!h.hasAttribute('tabindex')) h.setAttribute('tabindex', '-1')
  h.focus({ preventScroll: true })
  return true
}

function focusIsLost(): boolean {
  const active = document.activeElement
  return !active || active === document.body || !active.isConnected
}

export function keepFocusOnStepChange(root: HTMLElement): () => void {
  // The first heading is the page as loaded: the focus stays where the browser put it (the skip
  // link comes first). Only a heading that replaces an earlier one is a step change.
  let heading = root.querySelector('h1')
  const observer = new MutationObserver(() => {
    const now = root.querySelector('h1')
    if (!now || now === heading) return
    const replaced = heading !== null
    heading = now
    if (replaced && focusIsLost()) focusHeading(root)
  })
  observer.observe(root, { childList: true, subtree: true })
  return () => observer.disconnect()
}
