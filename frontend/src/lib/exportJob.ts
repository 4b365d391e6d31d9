/**
 * 名簿出力・参加者名簿: the server builds the CSV in the background (POST /api/admin/exports → 202), the screen
 * polls GET /api/admin/exports/{id} and, once ready, downloads it through the short-lived link it answers
 * (5 minutes; a later download asks for a fresh link).
 */
import { ref } from 'vue'
import { api } from '../api/client'
import type { ExportCreate, ExportJob } from '../api/types'
import { mapApiError } from './errors'

export const EXPORT_STATUS_TEXT: Record<ExportJob['status'], string> = {
  queued: '名簿の作成を受け付けました。作成が始まるまでお待ちください…',
  running: '名簿を作成しています。このままお待ちください…',
  ready: '名簿ができました。ダウンロードが始まらない場合は「ダウンロード」を押してください。',
  failed: '名簿を作成できませんでした。',
  expired: 'この名簿の保存期間（1日）が過ぎました。もう一度出力してください。',
}

const POLL_MS = [1000, 1000, 2000, 2000, 3000]
const GIVE_UP_MS = 16 * 60 * 1000 // the server answers failed after 15 minutes

export const finished = (job: ExportJob | null) => !!job && ['ready', 'failed', 'expired'].includes(job.status)

/** Follow a link that answers `Content-Disposition: attachment`: the browser saves the file, the page stays. */
export function download(url: string) {
  const a = document.createElement('a')
  a.href = url
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
}

export function useExportJob(wait: (ms: number) => Promise<void> = (ms) => new Promise((r) => window.setTimeout(r, ms)), save: (url: string) => void = download) {
  const job = ref<ExportJob | null>(null)
  const error = ref('')
  const busy = ref(false)
  let generation = 0

  async function follow(id: string, mine: number) {
    const started = Date.now()
    for (let n = 0; generation === mine; n++) {
      await wait(POLL_MS[Math.min(n, POLL_MS.length - 1)])
      if (generation !== mine) return
      job.value = await api.get<ExportJob>(`/api/admin/exports/${encodeURIComponent(id)}`)
      if (finished(job.value)) return
      if (Date.now() - started > GIVE_UP_MS) {
        error.value = '名簿の作成に時間がかかっています。しばらくしてから、もう一度出力してください。'
        return
      }
    }
  }

  /** Start an export, wait for it, download it; the job's last state (null when it could not start). */
  async function run(body: ExportCreate): Promise<ExportJob | null> {
    const mine = ++generation
    busy.value = true
    error.value = ''
    job.value = null
    try {
      job.value = await api.post<ExportJob>('/api/admin/exports', body)
      await follow(job.value.export_id, mine)
      if (generation === mine && job.value?.status === 'ready' && job.value.download_url) save(job.value.download_url)
      if (job.value?.status === 'failed') error.value = job.value.failed_message || EXPORT_STATUS_TEXT.failed
    } catch (e) {
      if (generation === mine) error.value = mapApiError(e).message
    } finally {
      if (generation === mine) busy.value = false
    }
    return job.value
  }

  /** 「ダウンロード」 again: a fresh link (the one answered lives 5 minutes). */
  async function again() {
    if (!job.value) return
    try {
      job.value = await api.get<ExportJob>(`/api/admin/exports/${encodeURIComponent(job.value.export_id)}`)
      if (job.value.status === 'ready' && job.value.download_url) save(job.value.download_url)
    } catch (e) {
      error.value = mapApiError(e).message
    }
  }

  /** The screen is left: polling stops. */
  function stop() {
    generation++
    busy.value = false
  }

  return { job, error, busy, run, again, stop }
}
