import { ApiError, SERVER_MESSAGE } from '../api/client'

export type FieldErrors = Record<string, string>

/**
 * Normalises an API field path to the form's path: drops a leading `body.` or
 * `profile.` (registration nests the profile), turns `equipment[0].name` into
 * `equipment.0.name`.
 */
export function normaliseField(field: string): string {
  let f = field.replace(/\[(\d+)\]/g, '.$1')
  f = f.replace(/^(body|profile)\./, '')
  return f
}

/** Maps an API error to per-field messages plus a summary message for the page. */
export function mapApiError(e: unknown, aliases: Record<string, string> = {}): { message: string; fields: FieldErrors } {
  if (e instanceof ApiError) {
    const fields: FieldErrors = {}
    for (const fe of e.fields) {
      let key = normaliseField(fe.field)
      key = aliases[key] ?? key
      if (!fields[key]) fields[key] = fe.message
    }
    return { message: e.message, fields }
  }
  return { message: SERVER_MESSAGE, fields: {} }
}
