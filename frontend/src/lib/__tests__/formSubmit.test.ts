import { describe, expect, it } from 'vitest'
import { errorFromResponse } from '../../api/client'
import { useFormSubmit } from '../formSubmit'

describe('useFormSubmit', () => {
  it('shows the form checks and lets a clean form through', () => {
    const form = useFormSubmit()
    expect(form.check({ email: 'メールアドレスを入力してください。' })).toBe(false)
    expect(form.message.value).toBe('入力内容を確認してください。')
    expect(form.check({})).toBe(true)
    expect(form.message.value).toBe('')
  })

  it('runs one request at a time and puts the API messages on the fields', async () => {
    const form = useFormSubmit()
    let runs = 0
    const failing = async () => {
      runs += 1
      throw errorFromResponse(400, {
        error: { code: 'validation_error', message: '入力内容に誤りがあります。', fields: [{ field: 'new_password', message: '8文字以上で入力してください。' }] },
      })
    }
    await Promise.all([form.send(failing), form.send(failing)])
    expect(runs).toBe(1)
    expect(form.message.value).toBe('入力内容に誤りがあります。')
    expect(form.fields.value).toEqual({ new_password: '8文字以上で入力してください。' })
    expect(form.pending.value).toBe(false)
  })
})
