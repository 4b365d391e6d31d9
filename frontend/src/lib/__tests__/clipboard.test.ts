import { describe, expect, it } from 'vitest'
import { copyText, reservationIcsPath } from '../clipboard'

describe('copyText', () => {
  it('copies with the Clipboard API', async () => {
    let copied = ''
    expect(await copyText('https://portal.example/api/calendar/abc.ics', { writeText: async (t: string) => void (copied = t) })).toBe(true)
    expect(copied).toBe('https://portal.example/api/calendar/abc.ics')
  })
  it('answers false when the browser refuses or has no clipboard', async () => {
    expect(await copyText('x', { writeText: async () => Promise.reject(new DOMException('denied', 'NotAllowedError')) })).toBe(false)
    expect(await copyText('x', undefined)).toBe(false)
  })
})

describe('reservationIcsPath', () => {
  it('escapes the id', () => {
    expect(reservationIcsPath('a/b')).toBe('/api/reservations/a%2Fb/calendar.ics')
  })
})
