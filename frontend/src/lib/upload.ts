import { api } from '../api/client'
import type { AttachmentTicket } from '../api/types'

export class UploadError extends Error {}

/**
 * Sends one file to the presigned POST: every field of the ticket first, then
 * `file`. XMLHttpRequest (not fetch) so that upload progress can be shown.
 */
export function postToPresigned(
  ticket: { upload: { url: string; fields?: Record<string, string> } },
  file: File,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const form = new FormData()
    for (const [k, v] of Object.entries(ticket.upload.fields ?? {})) form.append(k, v)
    form.append('file', file)
    const xhr = new XMLHttpRequest()
    xhr.open('POST', ticket.upload.url)
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable && ev.total > 0) onProgress(ev.loaded / ev.total)
    }
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1)
        resolve()
      } else reject(new UploadError(`ファイル「${file.name}」のアップロードに失敗しました（${xhr.status}）。もう一度お試しください。`))
    }
    xhr.onerror = () => reject(new UploadError(`ファイル「${file.name}」のアップロードに失敗しました。通信状態を確認して、もう一度お試しください。`))
    xhr.onabort = () => reject(new UploadError(`ファイル「${file.name}」のアップロードを中止しました。`))
    signal?.addEventListener('abort', () => xhr.abort())
    xhr.send(form)
  })
}

export async function requestUpload(file: File): Promise<AttachmentTicket> {
  return api.post<AttachmentTicket>('/api/attachments', {
    filename: file.name,
    content_type: file.type || 'application/octet-stream',
    size: file.size,
  })
}
