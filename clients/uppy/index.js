// securestore for Uppy 6: a signRequest for @uppy/aws-s3 6.x that asks the
// presign API for every URL, so the API's access rules and bounds hold for
// every request the browser sends to S3.
//
// No build step: an ES module that a bundler (or a browser, through an
// import map) takes as it is. It uses fetch, URL and Map only.
//
//   import Uppy from '@uppy/core'
//   import AwsS3 from '@uppy/aws-s3'
//   import { createSignRequest, shouldUseMultipart, getChunkSize } from './clients/uppy/index.js'
//
//   const signRequest = createSignRequest({ apiUrl, getIdToken })
//   new Uppy().use(AwsS3, {
//     signRequest,
//     generateObjectKey: signRequest.objectKey((file) => `users/${sub}/${file.name}`),
//     shouldUseMultipart,
//     getChunkSize,
//   })
//
// What each request of Uppy 6 becomes (see README, "Uppy 6 in the browser"):
//   PutObject                  GET /presign?method=PUT&contentType=T&contentLength=N (the file's
//                              exact size, known through objectKey), or, for a key objectKey did
//                              not make, POST /uploads (a POST form whose policy bounds the size)
//   UploadPart                 GET /multipart/{uploadId}/parts?from=N&count=100: one call signs
//                              a window of up to 100 parts, from which the module serves
//                              each part's request (see partWindows)
//   AbortMultipartUpload       DELETE /multipart/{uploadId}, sent by the browser with the ID token
//   DeleteObject               GET /presign?method=DELETE
//   CreateMultipartUpload,
//   ListParts,
//   CompleteMultipartUpload    Uppy sends these to the returned URL itself and reads S3's XML
//                              answer; the API answers JSON and keeps the completion check on
//                              the server, so these throw a SecurestoreError until the API has
//                              routes that answer in S3's XML. shouldUseMultipart keeps every
//                              file up to 5 GiB (S3's largest single PUT) on one PUT.

const MiB = 1024 * 1024

/** S3's largest single PUT (5 GiB): files up to this size go as one PUT. */
export const MAX_PUT_BYTES = 5 * 1024 * MiB

/** S3's smallest part but the last (5 MiB). */
export const MIN_PART_BYTES = 5 * MiB

/** S3's most parts of one upload. */
export const MAX_PARTS = 10000

/** How many file sizes objectKey remembers (the oldest are forgotten first). */
const REMEMBERED_FILES = 1000

/**
 * The most part URLs one call of GET /multipart/{uploadId}/parts signs (the
 * API's routes.MaxBatchParts): UploadPart costs one API call per this many
 * parts.
 */
export const BATCH_PARTS = 100

/**
 * A cached part URL is not handed out within this many milliseconds of the
 * batch's expiresAt: the part's PUT must start, and may take a while, before
 * the URL expires. Such a part signs its window again.
 */
export const REFRESH_BEFORE_MS = 30 * 1000

/**
 * The part size the API plans for an object of `size` bytes (POST /multipart's
 * partSize): 5 MiB, or the smallest whole number of MiB that keeps the object
 * within 10,000 parts. Each part's URL signs its exact length, so Uppy must
 * cut the file the same way.
 */
export function partSize(size) {
  const part = Math.ceil(Math.ceil(size / MAX_PARTS) / MiB) * MiB
  return Math.max(part, MIN_PART_BYTES)
}

/** Uppy's getChunkSize option: the API's plan (see partSize). */
export function getChunkSize({ size }) {
  return partSize(size)
}

/**
 * Uppy's shouldUseMultipart option: a file goes in parts only when one PUT
 * cannot carry it (over 5 GiB).
 */
export function shouldUseMultipart(file) {
  return (file.size ?? 0) > MAX_PUT_BYTES
}

/**
 * An upload refused by the presign API (status 400, 403 or 404, message the
 * API's reason), or a request this module cannot sign. Uppy reports it as the
 * file's upload error, with the API's reason as its message.
 */
export class SecurestoreError extends Error {
  constructor(message, { status, operation } = {}) {
    super(message)
    this.name = 'SecurestoreError'
    /** The API's HTTP status, or undefined when the module refused. */
    this.status = status
    /** The Uppy request refused: PutObject, UploadPart, ... */
    this.operation = operation
  }
}

// Headers a page cannot set (the Fetch standard's forbidden request
// headers). Content-Length is among them: the browser sends the body's own
// length, which is the signed one when the body is the file (or the part) the
// URL was signed for.
const forbidden = new Set([
  'accept-charset', 'accept-encoding', 'access-control-request-headers', 'access-control-request-method',
  'connection', 'content-length', 'cookie', 'cookie2', 'date', 'dnt', 'expect', 'host', 'keep-alive',
  'origin', 'referer', 'set-cookie', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'via',
])

/**
 * The headers a page must send: the API's signed headers less Content-Length,
 * which the browser sets itself from the body. Any other header a page cannot
 * set would make S3 refuse the signature, so it is an error here.
 */
function pageHeaders(headers, operation) {
  const out = {}
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase()
    if (lower === 'content-length') continue
    if (forbidden.has(lower) || lower.startsWith('proxy-') || lower.startsWith('sec-')) {
      throw new SecurestoreError(`the API signed ${name}, a header a browser cannot set`, { operation })
    }
    out[name] = value
  }
  return out
}

/** encodeURIComponent for a query value or a path segment. */
const enc = encodeURIComponent

/** The operation of Uppy's request, named as S3 names it. */
function operationOf(request) {
  const hasUpload = request.uploadId != null
  switch (request.method) {
    case 'PUT':
      return hasUpload ? 'UploadPart' : 'PutObject'
    case 'POST':
      return hasUpload ? 'CompleteMultipartUpload' : 'CreateMultipartUpload'
    case 'GET':
      return 'ListParts'
    case 'DELETE':
      return hasUpload ? 'AbortMultipartUpload' : 'DeleteObject'
    default:
      return `${request.method} request`
  }
}

/**
 * partWindows serves UploadPart from batch-signed URLs: GET
 * /multipart/{uploadId}/parts?key=K&from=N&count=M signs a window of up to
 * BATCH_PARTS parts in one call, and each part's request is answered from
 * it. Per upload (uploadId and key):
 *
 * - a part no window holds fetches the window that starts at it (up to
 *   BATCH_PARTS parts, fewer when a window above starts sooner; the API clips
 *   it to the upload's last part), so a file of P parts sent in order costs
 *   ceil(P / 100) calls;
 * - requests for parts of a window being fetched wait for that one call;
 * - a cached URL within REFRESH_BEFORE_MS of the batch's expiresAt (by this
 *   machine's clock) is not handed out: its part fetches its window again;
 * - a failed call is not cached: its waiters get the API's reason (a
 *   SecurestoreError), and the next request asks again.
 *
 * drop forgets an upload's windows (abort, complete).
 */
function partWindows(call) {
  /** `${uploadId}\n${key}` -> [{ from, to, pending, parts, freshUntil }] */
  const uploads = new Map()
  const id = (request) => `${request.uploadId}\n${request.key}`

  /** fetchWindow asks the API for parts from..from+count-1 and records them in w. */
  async function fetchWindow(request, operation, ttl, w) {
    const q = `key=${enc(request.key)}&from=${w.from}&count=${w.to - w.from + 1}${ttl}`
    const batch = await call(operation, `multipart/${enc(request.uploadId)}/parts?${q}`)
    if (!Array.isArray(batch?.parts)) {
      throw new SecurestoreError('the API\'s batch of part URLs has no parts', { operation })
    }
    for (const p of batch.parts) {
      w.parts.set(p.partNumber, { url: p.url, headers: pageHeaders(p.headers, operation) })
    }
    // The API clips the window to the upload's last part: a part above it
    // is not this window's (asked alone, the API says why it is refused).
    w.to = Math.min(w.to, Math.max(w.from - 1, ...w.parts.keys()))
    const expires = Date.parse(batch.expiresAt)
    // No readable expiresAt: the URLs serve the requests that waited, no more.
    w.freshUntil = Number.isNaN(expires) ? 0 : expires - REFRESH_BEFORE_MS
  }

  async function sign(request, operation, ttl) {
    const n = request.partNumber
    if (!Number.isInteger(n) || n < 1) {
      throw new SecurestoreError(`part number ${n} is not a whole number from 1`, { operation })
    }
    const upload = id(request)
    let windows = uploads.get(upload)
    if (windows == null) {
      windows = []
      uploads.set(upload, windows)
      // Uploads never completed nor aborted here are forgotten, oldest first.
      if (uploads.size > REMEMBERED_FILES) uploads.delete(uploads.keys().next().value)
    }
    let w = windows.find((x) => x.from <= n && n <= x.to)
    if (w != null && w.pending == null && !(w.parts.has(n) && Date.now() < w.freshUntil)) {
      // Stale, or the part is not in it (beyond the plan: the API says why).
      windows.splice(windows.indexOf(w), 1)
      w = null
    }
    if (w == null) {
      // Up to BATCH_PARTS parts from n, stopping below the next window.
      const next = Math.min(...windows.filter((x) => x.from > n).map((x) => x.from), n + BATCH_PARTS)
      w = { from: n, to: next - 1, parts: new Map(), freshUntil: 0 }
      w.pending = fetchWindow(request, operation, ttl, w).then(
        () => { w.pending = null },
        (err) => {
          const i = windows.indexOf(w)
          if (i >= 0) windows.splice(i, 1)
          throw err
        },
      )
      windows.push(w)
    }
    if (w.pending != null) await w.pending
    const part = w.parts.get(n)
    // Beyond the upload's last part: a window of its own, which the API refuses with its reason.
    if (part == null && n > w.to && n !== w.from) return sign(request, operation, ttl)
    if (part == null) {
      throw new SecurestoreError(`the API's batch from part ${w.from} has no URL for part ${n}`, { operation })
    }
    return { url: part.url, headers: { ...part.headers } }
  }

  return {
    sign,
    drop(request) {
      uploads.delete(id(request))
    },
  }
}

/**
 * createSignRequest returns a function to pass as `signRequest` to
 * @uppy/aws-s3 6.x. Every URL it returns the presign API signed, asked with
 * the caller's ID token and decided against its access rules and bounds:
 * one call per request, except UploadPart, whose URLs the API signs in
 * batches of up to BATCH_PARTS parts (see partWindows).
 *
 * - apiUrl: the API's base URL (the stack's ApiUrl output, or .dev/dev.json's
 *   apiUrl for make dev), with or without a trailing slash.
 * - getIdToken: returns (or resolves to) the signed-in user's Cognito ID token.
 * - fetch: optional, the fetch to call the API with (default: globalThis.fetch).
 *
 * The returned function has one method, objectKey(keyFor), that wraps a
 * generateObjectKey function so that the module learns each file's size:
 * Uppy's PutObject request carries the key and the content type, not the
 * size, and the API signs a PUT for one exact size.
 */
export function createSignRequest({ apiUrl, getIdToken, fetch: fetchFn } = {}) {
  if (typeof apiUrl !== 'string' || apiUrl === '') {
    throw new TypeError('createSignRequest: apiUrl must be the API\'s URL (the stack\'s ApiUrl output)')
  }
  if (typeof getIdToken !== 'function') {
    throw new TypeError('createSignRequest: getIdToken must be a function returning the Cognito ID token')
  }
  const base = new URL(apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`)
  const send = fetchFn ?? ((...args) => globalThis.fetch(...args))
  /** key -> { size, type } of the files objectKey named. */
  const files = new Map()

  async function token(operation) {
    const t = await getIdToken()
    if (typeof t !== 'string' || t === '') {
      throw new SecurestoreError('getIdToken returned no token: sign in first', { operation })
    }
    return t
  }

  /** call sends one API request and returns its JSON answer, or throws the API's reason. */
  async function call(operation, path, { method = 'GET', body } = {}) {
    const headers = { Authorization: await token(operation) }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const res = await send(new URL(path, base).href, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    let data = null
    try {
      data = text === '' ? null : JSON.parse(text)
    } catch {
      // not JSON: the status speaks alone
    }
    if (!res.ok) {
      const reason = data && typeof data.message === 'string' ? data.message : `the API answered ${res.status}`
      throw new SecurestoreError(reason, { status: res.status, operation })
    }
    return data
  }

  const parts = partWindows(call)

  async function putObject(request, operation, ttl) {
    const file = files.get(request.key)
    const contentType = request.contentType || file?.type || 'application/octet-stream'
    if (file == null) {
      // A key objectKey did not make: the size is unknown, so ask for a POST
      // form, whose policy bounds the size (1 to the single-upload limit).
      const form = await call(operation, 'uploads', { method: 'POST', body: { key: request.key, contentType } })
      return { url: form.url, fields: form.fields }
    }
    const q = `key=${enc(request.key)}&method=PUT&contentType=${enc(contentType)}&contentLength=${file.size}${ttl}`
    const signed = await call(operation, `presign?${q}`)
    return { url: signed.url, headers: pageHeaders(signed.headers, operation) }
  }

  async function signRequest(request) {
    const operation = operationOf(request)
    const key = `key=${enc(request.key)}`
    // A lifetime Uppy asks for (the API refuses one over urlTtlSeconds).
    const ttl = Number.isInteger(request.expiresIn) && request.expiresIn > 0 ? `&expiresIn=${request.expiresIn}` : ''
    switch (operation) {
      case 'PutObject':
        return putObject(request, operation, ttl)
      case 'UploadPart':
        return parts.sign(request, operation, ttl)
      case 'AbortMultipartUpload':
        // The upload ends: its part URLs are no use any more. The browser
        // sends the API's own DELETE route, with the token.
        parts.drop(request)
        return {
          url: new URL(`multipart/${enc(request.uploadId)}?${key}`, base).href,
          headers: { Authorization: await token(operation) },
        }
      case 'DeleteObject': {
        const signed = await call(operation, `presign?${key}&method=DELETE${ttl}`)
        return { url: signed.url, headers: pageHeaders(signed.headers, operation) }
      }
      default:
        // The upload ends with CompleteMultipartUpload: its part URLs go.
        if (operation === 'CompleteMultipartUpload') parts.drop(request)
        // CreateMultipartUpload, ListParts and CompleteMultipartUpload: Uppy
        // sends them to the URL returned and parses S3's XML answer; the
        // presign API answers these in JSON and checks completion itself.
        throw new SecurestoreError(
          `${operation} is not available through the presign API yet: Uppy 6 sends it to S3 itself, and the API keeps ` +
            `the multipart plan and its completion check on the server; files up to 5 GiB upload with one PUT ` +
            `(pass shouldUseMultipart from this module)`,
          { operation },
        )
    }
  }

  /**
   * objectKey wraps keyFor(file) -> key as Uppy's generateObjectKey, and
   * remembers the file's size and type for the key, so that PutObject signs
   * the exact size.
   */
  signRequest.objectKey = (keyFor) => {
    if (typeof keyFor !== 'function') {
      throw new TypeError('objectKey: keyFor must be a function of the Uppy file returning its key')
    }
    return (file) => {
      const key = keyFor(file)
      files.delete(key)
      files.set(key, { size: file.size ?? file.data?.size, type: file.type })
      if (files.size > REMEMBERED_FILES) files.delete(files.keys().next().value)
      return key
    }
  }

  return signRequest
}
