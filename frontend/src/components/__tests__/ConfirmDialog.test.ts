import { describe, expect, it } from 'vitest'
import { defineComponent, nextTick, ref } from 'vue'
import { mount } from '@vue/test-utils'
import ConfirmDialog from '../ConfirmDialog.vue'

// jsdom has no showModal: the component falls back to the open attribute, which is all these tests need.
const Host = defineComponent({
  components: { ConfirmDialog },
  setup() {
    const open = ref(false)
    const rowGone = ref(false)
    return { open, rowGone }
  },
  template: `<main><h1>会員・登録確認</h1>
    <button v-if="!rowGone" id="opener" @click="open = true">承認</button>
    <ConfirmDialog :open="open" title="承認の確認" @ok="rowGone = true; open = false" @cancel="open = false"><p>承認します。</p></ConfirmDialog></main>`,
})

describe('ConfirmDialog', () => {
  it('gives the focus back to the control that opened it', async () => {
    const w = mount(Host, { attachTo: document.body })
    const opener = w.get('#opener').element as HTMLButtonElement
    opener.focus()
    await w.get('#opener').trigger('click')
    await nextTick()
    await nextTick()
    await w.get('dialog button').trigger('click') // キャンセル
    await nextTick()
    await nextTick()
    expect(document.activeElement).toBe(opener)
    w.unmount()
  })

  it('gives the focus to the page heading when the control that opened it is gone, not to <body>', async () => {
    const w = mount(Host, { attachTo: document.body })
    ;(w.get('#opener').element as HTMLButtonElement).focus()
    await w.get('#opener').trigger('click')
    await nextTick()
    await nextTick()
    await w.get('[data-testid=dialog-ok]').trigger('click') // the row goes away with the action
    await nextTick()
    await nextTick()
    expect(document.activeElement?.tagName).toBe('H1')
    w.unmount()
  })
})
