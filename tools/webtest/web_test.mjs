// bevara's web pages in Debian's chromium (headless), driven by
// puppeteer-core: a citizen's search -> record -> request -> status, an
// archivist's login with TOTP -> decision -> the citizen sees the release,
// an auditor's audit log; axe-core (WCAG 2.1 A and AA) on every page type;
// markup and script in a citizen's request shown to the archivist as text;
// the citizen's pages without JavaScript; a phone-sized screen.
// Run by run.sh, which sets up the archive and the server.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import puppeteer from 'puppeteer-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const base = process.env.BEVARA_URL;
const token = process.env.BEVARA_TOKEN;
const shots = process.env.SCREENSHOTS || '';
if (shots) mkdirSync(shots, { recursive: true });

function totp(secret, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '')) bits += alphabet.indexOf(c.toUpperCase()).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const o = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0');
}

async function api(path, options = {}) {
  const res = await fetch(base + path, { ...options, headers: { Authorization: `Bearer ${token}`, ...(options.headers || {}) } });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

const checked = [];
// axe-core on the page as it is, at WCAG 2.1 A and AA: no violation.
async function axe(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  const problems = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
  assert.deepEqual(problems, [], `axe on ${name} (${page.url()})`);
  checked.push(name);
}

async function shot(page, name) {
  if (shots) await page.screenshot({ path: `${shots}/${name}.png`, fullPage: false });
}

async function go(page, path, expectStatus = 200) {
  const res = await page.goto(base + path, { waitUntil: 'load' });
  assert.equal(res.status(), expectStatus, `GET ${path}`);
  return res;
}

async function submit(page, selector) {
  const [res] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
  return res;
}

const text = (page) => page.evaluate(() => document.body.innerText);

// --- Setup over the API: publish one record, find the secret one's id.
const kase = await api('/api/v1/packages/bn-2024-112/case');
assert.equal(kase.status, 200, 'the case of the test package');
const publicRecord = kase.json.records.find((r) => r.title.startsWith('Beslut'));
const secretRecord = kase.json.records.find((r) => r.title.startsWith('Skyddad'));
const published = await api(`/api/v1/packages/bn-2024-112/records/${encodeURIComponent(publicRecord.id)}/access`, {
  method: 'PUT', headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ state: 'published', reason: 'Offentlig handling, prövad', version: 1 }) });
assert.equal(published.status, 200, 'publishing the decision');
const secretHit = (await api('/api/v1/search?q=skyddad')).json.hits[0];
assert.ok(secretHit, 'the secret record is in the archive index');

const browser = await puppeteer.launch({
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--lang=sv-SE'] });
try {
  // --- A citizen, without JavaScript: every step is a server-rendered page or form.
  const citizen = await (await browser.createBrowserContext()).newPage();
  await citizen.setJavaScriptEnabled(false);
  await citizen.setViewport({ width: 1280, height: 900 });
  const checker = await (await browser.createBrowserContext()).newPage();  // axe needs script; the same pages
  await checker.setViewport({ width: 1280, height: 900 });
  const check = async (path, name, status = 200) => { await go(checker, path, status); await axe(checker, name); };

  await go(citizen, '/');
  await shot(citizen, 'start');
  await check('/', 'start');
  await citizen.type('#q', 'garage');
  await submit(citizen, 'form.search button');
  assert.match(citizen.url(), /\/sok\?q=garage/);
  assert.match(await text(citizen), /1 träffar/);
  await shot(citizen, 'search');
  await check('/sok?q=garage', 'search');
  // A facet narrows, and its filter can be removed again.
  const facet = await citizen.$eval('.facets a', (a) => a.getAttribute('href'));
  await go(citizen, facet);
  assert.ok(await citizen.$('.filters a'), 'a filter in use can be removed');
  await check(facet, 'search with a filter');
  // The secret record is not there, and its page is the same 404 as a made-up one.
  await go(citizen, '/sok?q=skyddad');
  assert.match(await text(citizen), /0 träffar/);
  await go(citizen, `/handling/${encodeURIComponent(secretHit.id)}`, 404);
  assert.doesNotMatch(await text(citizen), /Skyddad adress/);
  await check('/handling/r000000000000000000000000', 'not found', 404);

  await go(citizen, facet);
  await submit(citizen, '.hits h3 a');
  assert.equal(await citizen.$eval('h1', (h) => h.textContent), 'Beslut om bygglov för garage');
  const recordPath = new URL(citizen.url()).pathname;
  const fileHref = await citizen.$eval('table a[download]', (a) => a.getAttribute('href'));
  const file = await fetch(base + fileHref);
  assert.equal(file.status, 200);
  assert.equal(await file.text(), 'Beslut: bygglov för garage beviljas.\n');
  await shot(citizen, 'record');
  await check(recordPath, 'record');

  // Ask for the whole case, with markup and script where a name and a description go.
  await submit(citizen, 'a.button.secondary');
  assert.match(citizen.url(), /\/begaran\/ny\?arende=/);
  await check(new URL(citizen.url()).pathname + new URL(citizen.url()).search, 'request form');
  const hostile = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">Alla handlingar i ärendet';
  await citizen.type('#beskrivning', hostile);
  await citizen.type('#namn', '<b>Eva</b>');
  await citizen.type('#kontakt', 'eva@example.se"><script>window.__xss=3</script>');
  await shot(citizen, 'request-form');
  await submit(citizen, 'form.form button[type=submit]');
  assert.match(citizen.url(), /\/begaran\/[0-9a-z_]+\?ny=1$/);
  assert.match(await text(citizen), /Tack, din begäran är mottagen/);
  const statusPath = await citizen.$eval('.notice a', (a) => a.getAttribute('href'));
  await shot(citizen, 'receipt');
  await check(new URL(citizen.url()).pathname + '?ny=1', 'receipt');
  await check(statusPath, 'request status (pending)');

  // The same pages in English.
  await go(checker, '/sprak?till=en&tillbaka=/');
  assert.equal(await checker.$eval('html', (h) => h.lang), 'en');
  assert.match(await text(checker), /Search the e-archive/);
  await axe(checker, 'start (English)');
  await go(checker, '/sprak?till=sv&tillbaka=/');

  // --- The archivist: login with password and TOTP.
  const archivist = await (await browser.createBrowserContext()).newPage();
  await archivist.setViewport({ width: 1280, height: 900 });
  await go(archivist, '/personal');  // -> the login page
  assert.match(archivist.url(), /\/logga-in\?tillbaka=/);
  await axe(archivist, 'login');
  await shot(archivist, 'login');
  await archivist.type('#anvandare', 'arkivarie');
  await archivist.type('#losenord', 'ett-langt-losenord-1');
  await archivist.type('#kod', '000000' === totp(process.env.ARCHIVIST_SECRET) ? '111111' : '000000');
  await submit(archivist, 'form.form button');
  assert.match(await text(archivist), /Inloggningen misslyckades/, 'a wrong one-time code');
  const code = totp(process.env.ARCHIVIST_SECRET);
  await archivist.$eval('#anvandare', (e) => { e.value = 'arkivarie'; });
  await archivist.type('#losenord', 'ett-langt-losenord-1');
  await archivist.type('#kod', code);
  await submit(archivist, 'form.form button');
  assert.match(new URL(archivist.url()).pathname, /^\/personal$/);
  const cookies = await archivist.cookies();
  const session = cookies.find((c) => c.name === 'bevara_session');
  assert.ok(session && session.httpOnly && session.sameSite === 'Strict', 'the session cookie is HttpOnly, SameSite=Strict');
  assert.match(await text(archivist), /Begäranden som väntar på beslut\s*1/);
  await axe(archivist, 'dashboard');
  await shot(archivist, 'dashboard');

  await go(archivist, '/personal/begaranden');
  await axe(archivist, 'request queue');
  await submit(archivist, 'table a');
  // The citizen's markup is text here: nothing ran, nothing was made an element.
  assert.equal(await archivist.evaluate(() => window.__xss), undefined, 'no script of the citizen ran');
  assert.equal(await archivist.$('img[src="x"]'), null, 'no element of the citizen was made');
  const shown = await text(archivist);
  assert.ok(shown.includes(hostile), 'the description is shown as text');
  assert.ok(shown.includes('<b>Eva</b>'), 'the name is shown as text');
  await axe(archivist, 'request');
  await shot(archivist, 'request-decision');
  const requestPath = new URL(archivist.url()).pathname;
  // A form without the session's CSRF token is refused.
  const forged = await archivist.evaluate(async (path, record) => {
    const r = await fetch(path + '/beslut', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
                                              body: `handling=${record}&beslut=deny&anteckning=x` });
    return r.status;
  }, requestPath, secretHit.id);
  assert.equal(forged, 403, 'a decision without the CSRF token');
  // Release the public record; deny the secret one with its ground. Each
  // decision is its own form; the page comes back after each.
  assert.equal((await archivist.$$('section.record')).length, 2, 'both records of the case are in the request');
  for (const [prefix, decision] of [['Beslut', 'release'], ['Skyddad', 'deny']]) {
    let section = null;
    for (const s of await archivist.$$('section.record')) {
      if ((await s.$eval('h3', (h) => h.textContent)).startsWith(prefix)) section = s;
    }
    assert.ok(section, `the request shows the record "${prefix}…"`);
    await (await section.$(`input[value=${decision}]`)).click();
    if (decision === 'deny') await (await section.$('textarea')).type('OSL 21 kap. 3 §');
    await Promise.all([archivist.waitForNavigation({ waitUntil: 'load' }), (await section.$('button[type=submit]')).click()]);
    assert.equal(new URL(archivist.url()).pathname, requestPath);
  }
  assert.match(await text(archivist), /Beslutad/);

  // A record id that is a path ("../../bn-2024-112/handlingar/adress-1/atkomst?")
  // decides on itself, not on the secret record it names.
  await go(archivist, '/personal/paket/hx-1');
  await archivist.select('section.record select', 'published');
  await archivist.type('section.record input[name=motivering]', 'Prövad');
  await submit(archivist, 'section.record button[type=submit]');
  assert.equal(new URL(archivist.url()).pathname, '/personal/paket/hx-1');
  const hx = (await api('/api/v1/packages/hx-1/case')).json.records[0];
  assert.equal(hx.access.decision.state, 'published', 'the decision is on the record whose form it was');
  const adress = (await api('/api/v1/packages/bn-2024-112/case')).json.records.find((r) => r.title.startsWith('Skyddad'));
  assert.ok(!adress.access.decision, 'the secret record named by the path has no decision');
  await go(citizen, '/sok?q=skyddad');
  assert.match(await text(citizen), /0 träffar/);

  for (const [path, name] of [['/personal/paket', 'packages'], ['/personal/paket/bn-2024-112', 'package'],
                              ['/personal/inleveranser', 'deposits'], ['/personal/inleveranser/ny', 'upload'],
                              ['/personal/granskningar', 'audits']]) {
    await go(archivist, path);
    await axe(archivist, name);
  }
  // A package uploaded from the browser, with progress, becomes a deposit.
  await go(archivist, '/personal/inleveranser/ny');
  await (await archivist.$('#paket')).uploadFile(process.env.UPLOAD);
  await Promise.all([archivist.waitForNavigation({ waitUntil: 'load', timeout: 60000 }), archivist.click('#upload button')]);
  assert.match(new URL(archivist.url()).pathname, /^\/personal\/inleveranser\/[0-9a-z-]+$/);
  for (let i = 0; i < 100 && /uppdateras tills/.test(await text(archivist)); ++i) {
    await new Promise((r) => setTimeout(r, 200));
    await archivist.reload({ waitUntil: 'load' });
  }
  assert.match(await text(archivist), /Arkiverade/, 'the uploaded package is archived');
  assert.ok(await archivist.$('a[href="/personal/paket/upl-1"]'), 'the job links its package');
  await axe(archivist, 'deposit job');
  await go(archivist, '/personal/paket/bn-2024-112');
  await shot(archivist, 'package');
  await go(archivist, '/personal/granskningar');
  await submit(archivist, 'form.form button');
  assert.match(archivist.url(), /\/personal\/granskningar\/[0-9a-z-]+/);
  for (let i = 0; i < 50 && /pågår/.test(await text(archivist)); ++i) {
    await new Promise((r) => setTimeout(r, 200));
    await archivist.reload({ waitUntil: 'load' });
  }
  assert.match(await text(archivist), /Inga fel funna/);
  await axe(archivist, 'audit');
  // Logout; the same one-time code does not log in twice.
  await submit(archivist, 'form.logout button');
  assert.equal(new URL(archivist.url()).pathname, '/');
  await go(archivist, '/logga-in');
  await archivist.type('#anvandare', 'arkivarie');
  await archivist.type('#losenord', 'ett-langt-losenord-1');
  await archivist.type('#kod', code);
  await submit(archivist, 'form.form button');
  assert.match(await text(archivist), /Inloggningen misslyckades/, 'a one-time code is used once');

  // --- The citizen sees the decisions, and downloads what was released.
  await go(citizen, statusPath);
  const status = await text(citizen);
  assert.match(status, /Lämnas ut/);
  assert.match(status, /Avslag/);
  assert.match(status, /OSL 21 kap\. 3 §/);
  const released = await citizen.$eval('.items a[download]', (a) => a.getAttribute('href'));
  const got = await fetch(base + released);
  assert.equal(got.status, 200);
  assert.equal(await got.text(), 'Beslut: bygglov för garage beviljas.\n');
  await shot(citizen, 'status');
  await check(statusPath, 'request status (decided)');

  // --- The auditor reads the audit log, filtered.
  const auditor = await (await browser.createBrowserContext()).newPage();
  await auditor.setViewport({ width: 1280, height: 900 });
  await go(auditor, '/logga-in');
  await auditor.type('#anvandare', 'granskare');
  await auditor.type('#losenord', 'ett-langt-losenord-2');
  await auditor.type('#kod', totp(process.env.AUDITOR_SECRET));
  await submit(auditor, 'form.form button');
  await go(auditor, '/personal/logg?action=login.failed');
  const log = await text(auditor);
  assert.match(log, /login\.failed/);
  assert.doesNotMatch(log, /request\.decision/);
  await axe(auditor, 'audit log');
  await go(auditor, '/personal/logg');
  await shot(auditor, 'log');
  await go(auditor, '/personal/begaranden', 403);  // the queue is the archivists'
  await axe(auditor, 'forbidden');

  // --- On a phone: nothing wider than the screen.
  await checker.setViewport({ width: 375, height: 740, isMobile: true });
  for (const path of ['/', '/sok?q=garage', recordPath, statusPath]) {
    await go(checker, path);
    const wide = await checker.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(wide <= 0, `${path} fits a phone's screen (${wide} px too wide)`);
  }
  await go(checker, '/sok?q=garage');
  await axe(checker, 'search on a phone');
  if (shots) await checker.screenshot({ path: `${shots}/phone-search.png` });

  console.log(`web pages: all paths passed; axe-core found no WCAG 2.1 AA violation on ${checked.length} pages: ${checked.join(', ')}`);
} finally {
  await browser.close();
}
