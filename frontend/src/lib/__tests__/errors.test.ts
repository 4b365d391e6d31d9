import { describe, expect, it } from 'vitest'
import { ApiError, errorFromResponse } from '../../api/client'
import { mapApiError, normaliseField } from '../errors'

describe('API error → field messages', () => {
  it('keeps the Japanese message and maps dotted fields', () => {
    const e = errorFromResponse(400, {
      error: {
        code: 'validation_error',
        message: '入力内容に誤りがあります。',
        fields: [
          { field: 'representative.name', message: '代表者名を入力してください。' },
          { field: 'equipment.0.name', message: '名称を入力してください。' },
          { field: 'profile.user.email', message: '形式が違います。' },
          { field: 'body.content', message: '800文字以内' },
          { field: 'equipment[1].count', message: '0以上' },
        ],
      },
    })
    const m = mapApiError(e)
    expect(m.message).toBe('入力内容に誤りがあります。')
    expect(m.fields).toEqual({
      'representative.name': '代表者名を入力してください。',
      'equipment.0.name': '名称を入力してください。',
      'user.email': '形式が違います。',
      content: '800文字以内',
      'equipment.1.count': '0以上',
    })
  })
  it('applies aliases', () => {
    const e = new ApiError(400, 'validation_error', 'x', [{ field: 'attachment_ids', message: 'bad' }])
    expect(mapApiError(e, { attachment_ids: 'attachments' }).fields).toEqual({ attachments: 'bad' })
  })
  it('falls back to a Japanese message for bodies without error', () => {
    expect(errorFromResponse(502, null).message).toMatch('システムエラー')
    expect(errorFromResponse(429, 'x').message).toMatch('しばらく')
    expect(mapApiError(new Error('boom')).message).toMatch('システムエラー')
  })
  it('normalises field names', () => {
    expect(normaliseField('profile.industry.major')).toBe('industry.major')
  })
})
