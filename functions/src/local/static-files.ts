// Serves the H5 build of the mini-program on the API's origin (hash router: unknown paths → index.html).
import type { ServerResponse } from 'node:http'
import * as fs from 'node:fs'
import * as path from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'application/javascript', '.css': 'text/css', '.png': 'image/png',
  '.svg': 'image/svg+xml', '.json': 'application/json', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.map': 'application/json'
}

export function serveStatic (root: string, pathname: string, res: ServerResponse): void {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    // a malformed %-escape ("/%E4%B8", "/%zz") is the client's mistake
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' })
    res.end('malformed path')
    return
  }
  let file = path.join(root, path.normalize(decoded).replace(/^(\.\.[/\\])+/, ''))
  if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(root, 'index.html')
  if (!fs.existsSync(file)) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
    res.end('H5 build not found')
    return
  }
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'cache-control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=3600'
  })
  fs.createReadStream(file).pipe(res)
}
