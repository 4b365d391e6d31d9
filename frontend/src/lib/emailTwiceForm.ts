import { ref } from 'vue'
import { api } from '../api/client'
import { useFormSubmit } from './formSubmit'

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** The checks of an address typed twice (新規会員登録, パスワード再設定): field → message. */
export function checkEmailTwice(email: string, confirm: string): Record<string, string> {
  const f: Record<string, string> = {}
  const a = email.trim()
  const b = confirm.trim()
  if (!a) f.email = 'メールアドレスを入力してください。'
  else if (!EMAIL.test(a)) f.email = 'メールアドレスの形式が正しくありません。'
  if (!b) f.email_confirm = '確認のため、メールアドレスを再度入力してください。'
  else if (a !== b) f.email_confirm = 'メールアドレスが一致しません。'
  return f
}

/**
 * A form that sends `{email, email_confirm}` to `path` (202 whatever the address):
 * checks before sending, the API's Japanese messages on the fields, one request at a time.
 */
export function useEmailTwiceForm(path: string) {
  const email = ref('')
  const emailConfirm = ref('')
  const sent = ref(false)
  const { pending, message, fields, check, send } = useFormSubmit()
  const labels: Record<string, string> = { email: 'メールアドレス', email_confirm: '確認のため再度入力してください。' }

  async function submit() {
    if (pending.value || !check(checkEmailTwice(email.value, emailConfirm.value))) return
    await send(async () => {
      await api.post(path, { email: email.value.trim(), email_confirm: emailConfirm.value.trim() }, { noReauth: true })
      sent.value = true
    })
  }
  return { email, emailConfirm, pending, sent, message, fields, labels, submit }
}
