/** How a video url is played in the page: a <video> for media files, an iframe for embed pages. */
export function videoKind(url: string): 'video' | 'iframe' {
  let path = url
  try {
    path = new URL(url, 'http://localhost').pathname
  } catch {
    /* keep as is */
  }
  return /\.(mp4|webm|ogg|ogv|m4v|mov)$/i.test(path) ? 'video' : 'iframe'
}

/** Turns a YouTube watch / youtu.be link into its embed url; other urls unchanged. */
export function embedUrl(url: string): string {
  try {
    const u = new URL(url)
    if (/(^|\.)youtube\.com$/.test(u.hostname) && u.pathname === '/watch' && u.searchParams.get('v'))
      return `https://www.youtube-nocookie.com/embed/${u.searchParams.get('v')}`
    if (u.hostname === 'youtu.be' && u.pathname.length > 1) return `https://www.youtube-nocookie.com/embed${u.pathname}`
  } catch {
    /* relative or odd url */
  }
  return url
}
