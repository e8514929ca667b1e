// The browser test's driver: Chromium (the machine's, through playwright-core,
// no browser download) loads the test page, bundled from the pinned Uppy
// packages and clients/uppy, against make dev's API and S3 server. Run by
// browser_test.go, which starts the services and passes their addresses as
// JSON on stdin; it prints each step and exits non-zero on the first
// failure.
//
// stdin: {"chromium", "pageUrl", "apiUrl", "s3Url", "maxUploadBytes",
//         "users": {"alice": token, "bob": token, "tier1": token}, "run": "run-<hex>"}
// Every key of the run lies under users/<sub>/<run>/.
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

const cfg = JSON.parse(await new Promise((resolve, reject) => {
  let s = ''
  process.stdin.setEncoding('utf8')
  process.stdin.on('data', (d) => { s += d })
  process.stdin.on('end', () => resolve(s))
  process.stdin.on('error', reject)
}))

const started = Date.now()
const step = (msg) => console.log(`step ${((Date.now() - started) / 1000).toFixed(1)}s: ${msg}`)
const note = (msg) => console.log(`note: ${msg}`)
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex')
const s3Origin = new URL(cfg.s3Url).origin
const apiBase = cfg.apiUrl.endsWith('/') ? cfg.apiUrl : `${cfg.apiUrl}/`

/** The API's own answer to a request, read outside the browser. */
async function apiAnswer(token, path) {
  const res = await fetch(new URL(path, apiBase), { headers: { Authorization: token } })
  return { status: res.status, body: await res.json() }
}

const filesDir = await mkdtemp(join(tmpdir(), 'securestore-browser-'))
step(`launch ${cfg.chromium}`)
const browser = await chromium.launch({ executablePath: cfg.chromium, args: ['--no-sandbox'] })
try {
  // Every request the page sends to S3, and every console message: what
  // reached S3, and what the browser refused.
  const s3Requests = []
  const s3Responses = []
  const consoleLines = []
  const context = await browser.newContext()
  // (headers: promises of every header, those the network stack adds too)
  context.on('request', (r) => {
    if (r.url().startsWith(s3Origin)) {
      const u = new URL(r.url())
      s3Requests.push({ method: r.method(), path: decodeURIComponent(u.pathname), query: u.search, headers: r.allHeaders() })
    }
  })
  context.on('response', (r) => {
    if (r.url().startsWith(s3Origin)) {
      s3Responses.push({ method: r.request().method(), path: decodeURIComponent(new URL(r.url()).pathname), status: r.status(), headers: r.allHeaders() })
    }
  })
  // Every API request that signs parts: the batch route (GET
  // /multipart/{uploadId}/parts) and the single-part route (GET
  // /multipart/{uploadId}/parts/{partNumber}), by upload id.
  const partCalls = []
  context.on('request', (r) => {
    if (r.method() !== 'GET' || !r.url().startsWith(apiBase)) return
    const u = new URL(r.url())
    const m = u.pathname.slice(new URL(apiBase).pathname.length).match(/^multipart\/([^/]+)\/parts(?:\/(\d+))?$/)
    if (m) partCalls.push({ route: m[2] == null ? 'batch' : 'single', uploadId: decodeURIComponent(m[1]), query: Object.fromEntries(u.searchParams) })
  })
  const callsFor = (uploadId, route) => partCalls.filter((c) => c.uploadId === uploadId && c.route === route)
  const s3Sent = (key) => s3Requests.filter((r) => r.path.endsWith(`/${key}`) && r.method !== 'OPTIONS' && r.method !== 'GET')

  async function openAs(name) {
    const page = await context.newPage()
    page.on('console', (m) => consoleLines.push(`${name}: ${m.type()}: ${m.text()}`))
    page.on('pageerror', (e) => consoleLines.push(`${name}: pageerror: ${e.message}`))
    await page.goto(`${cfg.pageUrl}?api=${encodeURIComponent(cfg.apiUrl)}`)
    await page.waitForSelector('body[data-ready="true"]')
    const sub = await page.evaluate((t) => window.app.signIn(t), cfg.users[name])
    return { page, sub }
  }
  // Files are written to disk and chosen by path, as a user picks them
  // (a buffer would cross the DevTools protocol in base64, slowly).
  const choose = async (page, files) => {
    const paths = []
    for (const f of files) {
      const p = join(filesDir, f.name)
      await writeFile(p, f.buffer)
      paths.push(p)
    }
    // The browser takes the type from the extension; Uppy reads file.type.
    await page.setInputFiles('#file', paths)
  }
  const upload = (page) => page.evaluate(() => window.app.upload())
  const logText = (page) => page.evaluate(() => window.app.logText())

  // 1. One small file, one PUT, read back byte for byte.
  const alice = await openAs('alice')
  step(`alice signed in (sub ${alice.sub}); uploads hello.txt with Uppy`)
  const home = `users/${alice.sub}/${cfg.run}/`
  await alice.page.evaluate((p) => window.app.setPrefix(p), home)
  const small = randomBytes(2048)
  await choose(alice.page, [{ name: 'hello.txt', buffer: small }])
  let res = await upload(alice.page)
  assert.deepEqual(res, [{ name: 'hello.txt', ok: true, key: `${home}hello.txt` }], `upload: ${JSON.stringify(res)}`)
  const puts = s3Sent(`${home}hello.txt`)
  assert.equal(puts.length, 1, `one request to S3 for hello.txt, saw ${JSON.stringify(puts)}`)
  assert.equal(puts[0].method, 'PUT')
  assert.ok(!puts[0].query.includes('uploadId'), 'a single PUT, not a part')
  const sent = await puts[0].headers
  assert.equal(sent['content-length'], String(small.length), 'the browser sends the signed Content-Length itself')
  // The headers the page set (all but those the browser adds) must be ones
  // the bucket's CORS rule allows (constructs/privatebucket corsRules).
  const browserOwn = /^(content-length|host|origin|referer|user-agent|accept|accept-encoding|accept-language|connection|sec-.*)$/
  const pageSet = Object.keys(sent).filter((h) => !browserOwn.test(h))
  const corsAllowed = ['content-type', 'x-amz-checksum-sha256', 'x-amz-sdk-checksum-algorithm', 'content-md5']
  assert.deepEqual(pageSet.filter((h) => !corsAllowed.includes(h)), [], `headers the page set on the PUT: ${pageSet}`)
  step(`one PUT reached S3 with the headers the page set: ${pageSet.join(', ')} (Content-Type ${sent['content-type']}); the browser's Content-Length ${sent['content-length']}`)
  let back = await alice.page.evaluate((k) => window.app.readBack(k), `${home}hello.txt`)
  assert.equal(back.size, small.length)
  assert.equal(back.sha256, sha256(small), 'read back byte for byte')
  step(`read back through a presigned GET: ${back.size} bytes, SHA-256 equal`)

  // 1b. A key the module was not told the size of: a POST form, its size
  // bounded by the policy.
  const formBytes = randomBytes(3000)
  await alice.page.evaluate(() => window.app.use('form'))
  await choose(alice.page, [{ name: 'form.txt', buffer: formBytes }])
  res = await upload(alice.page)
  await alice.page.evaluate(() => window.app.use('main'))
  assert.deepEqual(res, [{ name: 'form.txt', ok: true, key: `${home}form.txt` }], `form upload: ${JSON.stringify(res)}`)
  const posts = s3Sent(`${home}form.txt`).concat(s3Requests.filter((r) => r.method === 'POST'))
  assert.ok(posts.some((r) => r.method === 'POST'), `a POST form reached S3: ${JSON.stringify(posts)}`)
  back = await alice.page.evaluate((k) => window.app.readBack(k), `${home}form.txt`)
  assert.equal(back.sha256, sha256(formBytes), 'read back byte for byte')
  step('a key made without objectKey went up as a POST form (POST /uploads), read back equal')

  // 2. A lower tier is refused a higher tier's key; the page shows the reason.
  const tier1 = await openAs('tier1')
  step('a tier-1 user asks for tier-2/report.pdf and uploads to tier-2/')
  const want = await apiAnswer(cfg.users.tier1, 'presign?key=tier-2%2Freport.pdf')
  assert.equal(want.status, 403, `the API refuses tier-2 to tier-1: ${JSON.stringify(want)}`)
  res = await tier1.page.evaluate(() => window.app.presign('tier-2/report.pdf'))
  assert.equal(res.status, 403)
  assert.equal(res.error, want.body.message)
  assert.ok((await logText(tier1.page)).includes(want.body.message), 'the page shows the API\'s reason')
  await tier1.page.evaluate(() => window.app.setPrefix('tier-2/'))
  await choose(tier1.page, [{ name: 'report.pdf', buffer: randomBytes(100) }])
  res = await upload(tier1.page)
  assert.equal(res.length, 1)
  assert.equal(res[0].ok, false)
  const putWant = await apiAnswer(cfg.users.tier1, 'presign?key=tier-2%2Freport.pdf&method=PUT&contentType=application%2Fpdf&contentLength=100')
  assert.equal(putWant.status, 403)
  assert.ok(res[0].error.includes(putWant.body.message), `Uppy's error is the API's reason: ${res[0].error}`)
  assert.ok((await logText(tier1.page)).includes(putWant.body.message))
  assert.equal(s3Sent('tier-2/report.pdf').length, 0, 'nothing reached S3')
  step(`refused with 403, the page shows: ${putWant.body.message}`)

  // 3. Over maxUploadBytes, and active content: refused before any byte reaches S3.
  step(`alice uploads a file of maxUploadBytes + 1 (${cfg.maxUploadBytes + 1} bytes) and page.html (text/html)`)
  await choose(alice.page, [
    { name: 'big.bin', buffer: Buffer.alloc(cfg.maxUploadBytes + 1) },
    { name: 'page.html', buffer: Buffer.from('<script>alert(1)</script>') },
  ])
  res = await upload(alice.page)
  const byName = Object.fromEntries(res.map((r) => [r.name, r]))
  assert.equal(byName['big.bin']?.ok, false, JSON.stringify(res))
  assert.equal(byName['page.html']?.ok, false, JSON.stringify(res))
  for (const [name, type, size] of [['big.bin', 'application/octet-stream', cfg.maxUploadBytes + 1], ['page.html', 'text/html', 26]]) {
    const key = `${home}${name}`
    const why = await apiAnswer(cfg.users.alice, `presign?key=${encodeURIComponent(key)}&method=PUT&contentType=${encodeURIComponent(type)}&contentLength=${size}`)
    assert.equal(why.status, 400, `${name}: ${JSON.stringify(why)}`)
    assert.ok(byName[name].error.includes(why.body.message), `${name}: Uppy's error ${byName[name].error} is the API's ${why.body.message}`)
    assert.equal(s3Sent(key).length, 0, `no byte of ${name} reached S3`)
    step(`${name} refused before S3: ${why.body.message}`)
  }

  // 4. A listing shows only the caller's keys.
  const bob = await openAs('bob')
  await bob.page.evaluate((p) => window.app.setPrefix(p), `users/${bob.sub}/${cfg.run}/`)
  await choose(bob.page, [{ name: 'bob.txt', buffer: randomBytes(10) }])
  res = await upload(bob.page)
  assert.equal(res[0]?.ok, true, JSON.stringify(res))
  const mine = await alice.page.evaluate((p) => window.app.list(p), home)
  assert.ok(mine.ok, JSON.stringify(mine))
  assert.deepEqual(mine.keys, [`${home}form.txt`, `${home}hello.txt`], 'alice lists her keys only')
  const theirs = await alice.page.evaluate((p) => window.app.list(p), `users/${bob.sub}/`)
  assert.equal(theirs.status, 403, JSON.stringify(theirs))
  step(`alice's listing: ${mine.keys.join(', ')}; bob's prefix: 403 ${theirs.error}`)

  // 5. CORS lets the page read ETag.
  const etagKey = `${home}etag.txt`
  const put = await alice.page.evaluate(([k, t]) => window.app.putETag(k, t), [etagKey, 'etag me'])
  assert.equal(put.status, 200)
  assert.ok(put.etag, 'the page reads ETag from S3\'s answer (CORS exposes it)')
  const wire = await s3Responses.find((r) => r.method === 'PUT' && r.path.endsWith(etagKey)).headers
  assert.equal(put.etag, wire.etag, 'the page reads the ETag S3 sent')
  const listed = await alice.page.evaluate((p) => window.app.list(p), home)
  assert.equal(listed.etags[listed.keys.indexOf(etagKey)].replaceAll('"', ''), put.etag.replaceAll('"', ''))
  step(`the page read ETag ${put.etag}; S3 exposed: ${wire['access-control-expose-headers'] ?? '(no Access-Control-Expose-Headers)'}`)

  // 6. Several parts, signed by the module, read back byte for byte.
  const partsFile = randomBytes(11 * 1024 * 1024 + 7)
  await choose(alice.page, [{ name: 'parts.bin', buffer: partsFile }])
  step('alice uploads parts.bin (11 MiB + 7) in parts: POST /multipart, the module signs every part at once (as Uppy asks), the page reads each ETag')
  const mp = await alice.page.evaluate((k) => window.app.multipart(k), `${home}parts.bin`)
  assert.equal(mp.plan.partCount, 3)
  assert.equal(mp.chunkSize, mp.plan.partSize, 'getChunkSize is the API\'s plan')
  assert.ok(mp.parts.every((p) => p.etag), 'every part\'s ETag readable')
  // The module signed the parts in one batch call: the first part's
  // request fetched the window, the others shared it.
  const batches = callsFor(mp.plan.uploadId, 'batch')
  const singles = callsFor(mp.plan.uploadId, 'single')
  assert.equal(batches.length, 1, `one batch call signs the ${mp.plan.partCount} parts: ${JSON.stringify(batches)}`)
  assert.equal(singles.length, 0, `no single-part call: ${JSON.stringify(singles)}`)
  assert.equal(batches[0].query.count, '100', 'a window of up to 100 parts')
  back = await alice.page.evaluate((k) => window.app.readBack(k), `${home}parts.bin`)
  assert.equal(back.size, partsFile.length)
  assert.equal(back.sha256, sha256(partsFile), 'read back byte for byte')
  step(`${mp.plan.partCount} parts of ${mp.plan.partSize} signed by ${batches.length} batch call (from=${batches[0].query.from}&count=${batches[0].query.count}) and ${singles.length} single-part calls, completed (${mp.done.etag}); read back equal`)

  // 7. Uppy's own multipart path stops with the module's clear error.
  await alice.page.evaluate(() => window.app.use('multipart'))
  await choose(alice.page, [{ name: 'forced.bin', buffer: randomBytes(1000) }])
  res = await upload(alice.page)
  await alice.page.evaluate(() => window.app.use('main'))
  assert.equal(res[0]?.ok, false)
  assert.match(res[0].error, /CreateMultipartUpload is not available through the presign API/)
  assert.equal(s3Sent(`${home}forced.bin`).length, 0)
  step(`Uppy's multipart path: ${res[0].error.slice(0, 90)}...`)

  // 8. AbortMultipartUpload: the browser sends the API's DELETE itself.
  // Before it, the module's part cache: a URL near its expiresAt is signed
  // again, a fresh one is served from the cache; the abort drops it.
  const ab = await alice.page.evaluate((k) => window.app.abort(k), `${home}aborted.bin`)
  assert.equal(ab.status, 204)
  assert.equal(ab.after, 404, 'the upload is gone')
  const abCalls = callsFor(ab.uploadId, 'batch')
  assert.deepEqual(ab.signed, [true, true, true], `part 1 signed three times before the abort: ${JSON.stringify(ab)}`)
  assert.deepEqual(abCalls.map((c) => c.query.expiresIn ?? null), ['10', null, null],
    `a 10 s URL is within 30 s of expiresAt, so the next request signs again; the third is served from the cache; after the abort the module asks again: ${JSON.stringify(abCalls)}`)
  assert.equal(callsFor(ab.uploadId, 'single').length, 0)
  const goneWant = await apiAnswer(cfg.users.alice, `multipart/${encodeURIComponent(ab.uploadId)}/parts?key=${encodeURIComponent(`${home}aborted.bin`)}&from=1&count=100`)
  assert.equal(goneWant.status, 404, JSON.stringify(goneWant))
  assert.equal(ab.afterAbort.status, 404)
  assert.equal(ab.afterAbort.error, goneWant.body.message, 'the module\'s error is the API\'s reason')
  step(`AbortMultipartUpload through the API: 204, then the upload is unknown (404); part URLs: ${abCalls.length} batch calls for 4 requests (a 10 s URL signed again, one served from the cache, one after the abort refused: ${ab.afterAbort.error})`)

  // 8b. The API's signed headers as they are: the browser refuses to set
  // Content-Length (which clients/uppy drops) and sends the body's own.
  const raw = await alice.page.evaluate(([k, t]) => window.app.rawPut(k, t), [`${home}raw.txt`, 'raw headers'])
  assert.equal(raw.status, 200, JSON.stringify(raw))
  assert.ok(raw.signedHeaders.includes('Content-Length'), `the API lists Content-Length: ${raw.signedHeaders}`)
  const refused = consoleLines.filter((l) => /Refused to set unsafe header "Content-Length"/i.test(l))
  assert.ok(refused.length > 0, 'the browser refuses to set Content-Length')
  step(`a page that sets every signed header: the browser logs "${refused[0].replace(/^alice: \w+: /, '')}" and sends its own Content-Length (PUT ${raw.status})`)

  // 9. DeleteObject through the module.
  const del = await alice.page.evaluate((k) => window.app.remove(k), etagKey)
  assert.equal(del.status, 204)
  const after = await alice.page.evaluate((p) => window.app.list(p), home)
  assert.ok(!after.keys.includes(etagKey), `deleted: ${after.keys}`)
  step('DeleteObject through a presigned DELETE: 204, the key is gone from the listing')

  // The run's objects go: make dev's state is kept between runs.
  for (const [who, prefix] of [[alice, home], [bob, `users/${bob.sub}/${cfg.run}/`]]) {
    const left = await who.page.evaluate((p) => window.app.list(p), prefix)
    for (const k of left.keys) await who.page.evaluate((key) => window.app.remove(key), k)
  }

  for (const line of consoleLines) note(`console ${line}`)
  const kinds = new Set(s3Requests.map((r) => r.method))
  note(`requests the page sent to S3: ${s3Requests.length} (${[...kinds].join(', ')})`)
  note(`API calls that signed parts: ${partCalls.filter((c) => c.route === 'batch').length} batch, ${partCalls.filter((c) => c.route === 'single').length} single-part`)
} finally {
  await browser.close()
  await rm(filesDir, { recursive: true, force: true })
}
step('done')
