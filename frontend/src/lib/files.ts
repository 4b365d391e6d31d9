export const MAX_FILE_BYTES = 10 * 1024 * 1024 // 10,485,760 bytes (10MB)

export const TOO_LARGE_MESSAGE =
  '1ファイル最大10MBまでのサイズのファイルを添付できます。10MBを超える場合、ファイルを圧縮（ZIP形式など）してから添付してください。'

export function checkFileSize(file: { name: string; size: number }): string | null {
  if (file.size > MAX_FILE_BYTES) return `「${file.name}」は10MBを超えています（${formatBytes(file.size)}）。${TOO_LARGE_MESSAGE}`
  if (file.size === 0) return `「${file.name}」は空のファイルです。`
  return null
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n}B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)}KB`
  return `${(n / 1024 / 1024).toFixed(1)}MB`
}
