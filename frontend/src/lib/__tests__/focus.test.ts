import { afterEach, describe, expect, it } from 'vitest'
import { defineComponent, h, nextTick, ref } from 'vue'
import { mount } from '@vue/test-utils'
import { keepFocusOnStepChange } from '../focus'

const flush = async () => {
  await nextTick()
  await new Promise((r) => setTimeout(r, 0)) // MutationObserver callbacks run as microtasks after the DOM change
}

// 入力 → 確認 with a button that disappears when pressed, like the real forms (their v-if / v-else
// branches are new elements, as the keys make them here).
const Steps = defineComponent({
  setup() {
    const step = ref<'input' | 'confirm'>('input')
    return () =>
      h('main', [
        step.value === 'input'
          ? h('div', { key: 'input' }, [h('h1', '申請入力'), h('input', { id: 'field' }), h('button', { id: 'next', onClick: () => (step.value = 'confirm') }, '確認')])
          : h('div', { key: 'confirm' }, [h('h1', '申請入力確認'), h('button', { id: 'back', onClick: () => (step.value = 'input') }, '戻る')]),
      ])
  },
})

describe('keepFocusOnStepChange', () => {
  let stop = () => {}
  afterEach(() => {
    stop()
    document.body.innerHTML = ''
  })

  it('puts the focus on the new heading when the pressed button went away with the old step', async () => {
    const w = mount(Steps, { attachTo: document.body })
    stop = keepFocusOnStepChange(w.element as HTMLElement)
    const next = w.get('#next').element as HTMLButtonElement
    next.focus()
    await w.get('#next').trigger('click')
    await flush()
    expect(document.activeElement?.tagName).toBe('H1')
    expect(document.activeElement?.textContent).toBe('申請入力確認')
    expect(document.activeElement?.getAttribute('tabindex')).toBe('-1')

    ;(w.get('#back').element as HTMLButtonElement).focus()
    await w.get('#back').trigger('click')
    await flush()
    expect(document.activeElement?.textContent).toBe('申請入力')
  })

  it('leaves the focus alone on the first heading and when it is still on a live control', async () => {
    const root = document.createElement('main')
    document.body.appendChild(root)
    stop = keepFocusOnStepChange(root)
    root.innerHTML = '<h1>ログイン</h1><input id="x">' // the page as loaded
    await flush()
    expect(document.activeElement).toBe(document.body)

    const input = root.querySelector<HTMLInputElement>('#x')!
    input.focus()
    const other = document.createElement('h1')
    other.textContent = '別の見出し'
    root.replaceChild(other, root.querySelector('h1')!)
    await flush()
    expect(document.activeElement).toBe(input)
  })
})
