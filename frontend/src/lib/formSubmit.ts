import { ref } from 'vue'
import { mapApiError } from './errors'

/**
 * The state every form shares: a summary message, messages by field, one request at a time.
 * `check(found)` shows the form's own checks (true when they pass); `send(action)` runs the
 * request once and puts the API's Japanese message and field messages on the form.
 */
export function useFormSubmit(initialMessage = '') {
  const pending = ref(false)
  const message = ref(initialMessage)
  const fields = ref<Record<string, string>>({})

  function check(found: Record<string, string>): boolean {
    fields.value = found
    message.value = Object.keys(found).length ? '入力内容を確認してください。' : ''
    return !message.value
  }

  async function send(action: () => Promise<void>): Promise<void> {
    if (pending.value) return
    pending.value = true
    try {
      await action()
    } catch (e) {
      const m = mapApiError(e)
      message.value = m.message
      fields.value = m.fields
    } finally {
      pending.value = false
    }
  }
  return { pending, message, fields, check, send }
}
