// Drafts of long forms kept in sessionStorage, so that an expired session, a
// reload or a trip to the login screen never loses what the member typed.
// Keyed per member so that a different member on the same browser never sees it.

const PREFIX = 'netclub.draft.'

function key(name: string, memberId?: string | null) {
  return `${PREFIX}${memberId ?? 'visitor'}.${name}`
}

export function saveDraft<T>(name: string, memberId: string | null | undefined, value: T) {
  try {
    sessionStorage.setItem(key(name, memberId), JSON.stringify({ savedAt: Date.now(), value }))
  } catch {
    // storage full or disabled: the in-memory form still holds the data
  }
}

export function loadDraft<T>(name: string, memberId: string | null | undefined, maxAgeMs = 12 * 3600 * 1000): T | null {
  try {
    const raw = sessionStorage.getItem(key(name, memberId))
    if (!raw) return null
    const d = JSON.parse(raw) as { savedAt: number; value: T }
    if (Date.now() - d.savedAt > maxAgeMs) return null
    return d.value
  } catch {
    return null
  }
}

export function clearDraft(name: string, memberId: string | null | undefined) {
  try {
    sessionStorage.removeItem(key(name, memberId))
  } catch {
    /* ignore */
  }
}
