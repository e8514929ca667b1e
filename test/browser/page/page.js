// The test page: an app that uploads through securestore with Uppy 6 and
// clients/uppy, as a team would write it. The browser test drives it through
// the file input and window.app, and reads what it shows in #log.
import Uppy from '@uppy/core'
import AwsS3 from '@uppy/aws-s3'
import { createSignRequest, shouldUseMultipart, getChunkSize } from '../../../clients/uppy/index.js'

const apiUrl = new URLSearchParams(location.search).get('api')
let idToken = null
let prefix = ''
const getIdToken = () => idToken
const keyFor = (file) => `${prefix}${file.name}`

// The README's setup ("Uppy 6 in the browser"), line for line: a test
// checks that the two agree.
// readme: begin
const signRequest = createSignRequest({ apiUrl, getIdToken })
const uppy = new Uppy().use(AwsS3, {
  signRequest,
  generateObjectKey: signRequest.objectKey(keyFor),
  shouldUseMultipart,
  getChunkSize,
})
uppy.on('upload-error', (file, err) => show('error', `${file.name}: ${err.message}`)) // the API's reason
// readme: end
uppy.on('upload-success', (file, res) => show('ok', `uploaded ${res.body.key} (${file.size} bytes)`))

// Two more set-ups the test compares with: keys the module was not told
// the size of (a POST form), and Uppy's own multipart path.
const others = {
  form: new Uppy({ id: 'form' }).use(AwsS3, { signRequest, generateObjectKey: keyFor }),
  multipart: new Uppy({ id: 'multipart' }).use(AwsS3, { signRequest, generateObjectKey: signRequest.objectKey(keyFor), shouldUseMultipart: true, getChunkSize }),
}
for (const u of Object.values(others)) {
  u.on('upload-error', (file, err) => show('error', `${file.name}: ${err.message}`))
}
let current = uppy
const base = apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`

/** show adds a line to the page's log, for the user (and the test) to read. */
function show(kind, text) {
  const li = document.createElement('li')
  li.className = kind
  li.textContent = text
  document.getElementById('log').append(li)
}

/** api calls the presign API as the signed-in user; throws its reason. */
async function api(path, init = {}) {
  const res = await fetch(new URL(path, base), {
    ...init,
    headers: { Authorization: idToken, ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
  })
  const text = await res.text()
  const body = text ? JSON.parse(text) : null
  if (!res.ok) throw Object.assign(new Error(body?.message ?? `API ${res.status}`), { status: res.status })
  return body
}

/** sha256 of bytes, in hex. */
async function sha256(buf) {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', buf))
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('')
}

document.getElementById('file').addEventListener('change', (ev) => {
  for (const f of ev.target.files) {
    current.addFile({ name: f.name, type: f.type, data: f, source: 'file input' })
  }
  ev.target.value = ''
})

window.app = {
  /** signIn keeps the user's ID token, as an app does after Cognito sign-in. */
  signIn(token) {
    idToken = token
    const claims = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')))
    document.getElementById('user').textContent = claims['cognito:username'] ?? claims.sub
    return claims.sub
  },
  /** setPrefix sets where the next files go ("users/<sub>/", "tier-2/"). */
  setPrefix(p) {
    prefix = p
    document.getElementById('prefix').textContent = p
  },
  /** use picks the set-up of the next files: "main", "form" or "multipart". */
  use(name) {
    current = name === 'main' ? uppy : others[name]
  },
  /** upload runs Uppy over the files added, and reports each one. */
  async upload() {
    const result = await current.upload()
    const out = [
      ...(result?.successful ?? []).map((f) => ({ name: f.name, ok: true, key: f.response?.body?.key })),
      ...(result?.failed ?? []).map((f) => ({ name: f.name, ok: false, error: String(f.error) })),
    ]
    current.clear()
    return out
  },
  /** readBack fetches a key through a presigned GET: its size and SHA-256. */
  async readBack(key) {
    const signed = await api(`presign?key=${encodeURIComponent(key)}`)
    const res = await fetch(signed.url, { headers: signed.headers })
    if (!res.ok) throw new Error(`GET ${res.status}`)
    const buf = await res.arrayBuffer()
    return { size: buf.byteLength, sha256: await sha256(buf), etag: res.headers.get('ETag') }
  },
  /** presign asks for a URL and shows the API's reason when refused. */
  async presign(key, method = 'GET') {
    try {
      await api(`presign?key=${encodeURIComponent(key)}&method=${method}`)
      show('ok', `may ${method} ${key}`)
      return { ok: true }
    } catch (err) {
      show('error', `${method} ${key}: ${err.message}`)
      return { ok: false, status: err.status, error: err.message }
    }
  },
  /** list returns the keys of one listing page under prefix. */
  async list(p) {
    try {
      const page = await api(`objects?prefix=${encodeURIComponent(p)}`)
      return { ok: true, keys: page.objects.map((o) => o.key), etags: page.objects.map((o) => o.etag) }
    } catch (err) {
      show('error', `list ${p}: ${err.message}`)
      return { ok: false, status: err.status, error: err.message }
    }
  },
  /**
   * putETag signs a PutObject through the module and sends it with fetch:
   * the ETag the page can read (CORS must expose it).
   */
  async putETag(key, text) {
    const data = new Blob([text], { type: 'text/plain' })
    signRequest.objectKey(() => key)({ size: data.size, type: data.type })
    const signed = await signRequest({ method: 'PUT', key, contentType: data.type, expiresIn: 60 })
    const res = await fetch(signed.url, { method: 'PUT', headers: signed.headers, body: data })
    return { status: res.status, etag: res.headers.get('ETag') }
  },
  /**
   * multipart uploads the chosen file in parts the way today's API allows:
   * POST /multipart plans it, the module signs every part (Uppy's UploadPart),
   * all asked at once as Uppy's concurrent parts ask, the page sends each part
   * and reads its ETag, POST .../complete checks the parts against the plan.
   */
  async multipart(key) {
    const file = uppy.getFiles()[0].data
    uppy.clear()
    const plan = await api('multipart', { method: 'POST', body: JSON.stringify({ key, contentType: file.type || 'application/octet-stream', size: file.size }) })
    const numbers = Array.from({ length: plan.partCount }, (_, i) => i + 1)
    const signedParts = await Promise.all(numbers.map((n) => signRequest({ method: 'PUT', key, uploadId: plan.uploadId, partNumber: n })))
    const parts = []
    for (const n of numbers) {
      const signed = signedParts[n - 1]
      const body = file.slice((n - 1) * plan.partSize, Math.min(n * plan.partSize, file.size))
      const res = await fetch(signed.url, { method: 'PUT', headers: signed.headers, body })
      if (!res.ok) throw new Error(`part ${n}: S3 answered ${res.status}: ${await res.text()}`)
      parts.push({ partNumber: n, etag: res.headers.get('ETag') })
    }
    const done = await api(`multipart/${plan.uploadId}/complete?key=${encodeURIComponent(key)}`, { method: 'POST', body: JSON.stringify({ parts }) })
    return { plan, parts, done, chunkSize: getChunkSize({ size: file.size }) }
  },
  /**
   * abort starts an upload, signs its part three times (for 10 s, then as
   * Uppy asks, twice), aborts it through the module's AbortMultipartUpload,
   * and signs the part once more.
   */
  async abort(key) {
    const plan = await api('multipart', { method: 'POST', body: JSON.stringify({ key, contentType: 'application/octet-stream', size: 1 }) })
    const part = { method: 'PUT', key, uploadId: plan.uploadId, partNumber: 1 }
    const signedParts = []
    for (const request of [{ ...part, expiresIn: 10 }, part, part]) {
      signedParts.push(typeof (await signRequest(request)).url === 'string')
    }
    const signed = await signRequest({ method: 'DELETE', key, uploadId: plan.uploadId })
    const res = await fetch(signed.url, { method: 'DELETE', headers: signed.headers })
    let after
    try {
      await api(`multipart/${plan.uploadId}?key=${encodeURIComponent(key)}`)
      after = 200
    } catch (err) {
      after = err.status
    }
    let afterAbort
    try {
      await signRequest(part)
      afterAbort = { ok: true }
    } catch (err) {
      afterAbort = { ok: false, status: err.status, error: err.message }
    }
    return { uploadId: plan.uploadId, signed: signedParts, status: res.status, after, afterAbort }
  },
  /**
   * rawPut sends a PUT with every header the API signed, Content-Length
   * included, through XMLHttpRequest as Uppy does: what the browser does
   * with a header a page may not set.
   */
  async rawPut(key, text) {
    const data = new Blob([text], { type: 'text/plain' })
    const signed = await api(`presign?key=${encodeURIComponent(key)}&method=PUT&contentType=text%2Fplain&contentLength=${data.size}`)
    const status = await new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest()
      xhr.open('PUT', signed.url)
      for (const [name, value] of Object.entries(signed.headers)) xhr.setRequestHeader(name, value)
      xhr.onload = () => resolve(xhr.status)
      xhr.onerror = () => reject(new Error('network error'))
      xhr.send(data)
    })
    return { status, signedHeaders: Object.keys(signed.headers) }
  },
  /** remove deletes a key through the module's DeleteObject. */
  async remove(key) {
    const signed = await signRequest({ method: 'DELETE', key })
    const res = await fetch(signed.url, { method: 'DELETE', headers: signed.headers })
    return { status: res.status }
  },
  /** logText is what the page shows. */
  logText() {
    return document.getElementById('log').textContent
  },
}
document.getElementById('upload').addEventListener('click', () => window.app.upload())
document.body.dataset.ready = 'true'
