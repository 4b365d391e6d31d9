import { afterEach, describe, expect, it } from 'vitest'
import { defineComponent, h, nextTick, ref } from 'vue'
import { mount } from '@vue/test-utils'
import { focusHeading } from '../focus'

// 入力 → 確認 with a button that disappears when pressed, like the real forms (their v-if / v-else
// branches are new elements, as the keys make them here).
const Steps = defineComponent({
  setup() {
    const step = ref<'input' | 'confirm'>('input')
    async function next() {
      step.value = 'confirm'
      await nextTick()
      focusHeading()
    }
    return () =>
      h('main', [
        step.value === 'input'
          ? h('div', { key: 'input' }, [h('h1', '申請入力'), h('button', { id: 'next', onClick: next }, '確認')])
          : h('div', { key: 'confirm' }, [h('h1', '申請入力確認'), h('button', { id: 'back' }, '戻る')]),
      ])
  },
})

describe('focusHeading', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('moves the focus to the new step heading, which a plain focus() on an <h1> cannot do', async () => {
    const w = mount(Steps, { attachTo: document.body })
    ;(w.get('#next').element as HTMLButtonElement).focus()
    await w.get('#next').trigger('click')
    await nextTick()
    expect(document.activeElement?.tagName).toBe('H1')
    expect(document.activeElement?.textContent).toBe('申請入力確認')
    expect(document.activeElement?.getAttribute('tabindex')).toBe('-1')
  })

  it('a heading without tabindex ignores focus(); focusHeading makes it focusable first', () => {
    document.body.innerHTML = '<main><h1>予約変更完了</h1></main>'
    const h1 = document.querySelector('h1')!
    h1.focus()
    expect(document.activeElement).toBe(document.body)
    expect(focusHeading()).toBe(true)
    expect(document.activeElement).toBe(h1)
  })

  it('answers false when the screen has no heading', () => {
    document.body.innerHTML = '<main><p>読み込み中…</p></main>'
    expect(focusHeading()).toBe(false)
  })
})
