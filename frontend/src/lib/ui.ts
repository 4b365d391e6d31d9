import { ref } from 'vue'

/** The header's ログアウト button opens the confirmation held by App.vue. */
export const logoutRequested = ref(false)
