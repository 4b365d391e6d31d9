/** Copy text with the Clipboard API; false when the browser refuses (no permission, not a secure context). */
export async function copyText(text: string, clipboard: Pick<Clipboard, 'writeText'> | undefined = globalThis.navigator?.clipboard): Promise<boolean> {
  if (!clipboard) return false
  try {
    await clipboard.writeText(text)
    return true
  } catch {
    return false
  }
}

export const COPIED = 'カレンダー配信URLをコピーしました。カレンダーアプリの「URLで追加（購読）」に貼り付けてください。'
export const COPY_FAILED = 'コピーできませんでした。URLの欄を選択し、手動でコピーしてください（Ctrl+C / ⌘+C）。'

/** The .ics of one reservation (予約詳細 「カレンダーに追加」). */
export function reservationIcsPath(id: string): string {
  return `/api/reservations/${encodeURIComponent(id)}/calendar.ics`
}
