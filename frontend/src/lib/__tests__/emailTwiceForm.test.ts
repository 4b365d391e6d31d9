import { afterEach, describe, expect, it, vi } from 'vitest'
import { api } from '../../api/client'
import { checkEmailTwice, useEmailTwiceForm } from '../emailTwiceForm'

afterEach(() => vi.restoreAllMocks())

describe('address typed twice', () => {
  it('asks for both, checks the format and that they match', () => {
    expect(checkEmailTwice('', '')).toEqual({
      email: 'メールアドレスを入力してください。',
      email_confirm: '確認のため、メールアドレスを再度入力してください。',
    })
    expect(checkEmailTwice('taro@', 'taro@')).toEqual({ email: 'メールアドレスの形式が正しくありません。' })
    expect(checkEmailTwice('taro@example.jp', 'jiro@example.jp')).toEqual({ email_confirm: 'メールアドレスが一致しません。' })
    expect(checkEmailTwice(' taro@example.jp ', 'taro@example.jp')).toEqual({})
  })

  it('sends nothing while the form has errors, then sends the trimmed address once', async () => {
    const post = vi.spyOn(api, 'post').mockResolvedValue(undefined)
    const form = useEmailTwiceForm('/api/registrations')
    await form.submit()
    expect(post).not.toHaveBeenCalled()
    expect(form.message.value).toBe('入力内容を確認してください。')
    form.email.value = ' taro@example.jp'
    form.emailConfirm.value = 'taro@example.jp '
    await Promise.all([form.submit(), form.submit()])
    expect(post).toHaveBeenCalledTimes(1)
    expect(post.mock.calls[0].slice(0, 2)).toEqual(['/api/registrations', { email: 'taro@example.jp', email_confirm: 'taro@example.jp' }])
    expect(form.sent.value).toBe(true)
    expect(form.fields.value).toEqual({})
  })
})
