/* global document, sessionStorage, fetch */
// What every part of the page shares: the API key, the fetch wrapper, the words for states and outcomes,
// and small DOM helpers. No data is kept here beyond the key (sessionStorage: forgotten with the tab).
export const KEY = 'customer-sync-api-key';
const ME = 'customer-sync-key-name';
export const TERMINAL = new Set(['done', 'failed', 'cancelled']);
export const STATE_TEXT = {
  queued: 'Waiting to start',
  parsing: 'Reading the file',
  running: 'Syncing with EnKash',
  finalizing: 'Writing the report',
  'needs-review': 'Waiting for your review: nothing written yet',
  done: 'Finished',
  failed: 'Could not be processed',
  cancelling: 'Cancelling: finishing the rows already sent',
  cancelled: 'Cancelled',
};
export const OUTCOME_TEXT = {
  created: 'added',
  updated: 'updated',
  unchanged: 'unchanged',
  activated: 'activated',
  deactivated: 'deactivated',
  invalid: 'need fixing',
  failed: 'failed',
  skipped: 'skipped',
  conflict: 'changed since the import: left as they are',
  valid: 'valid',
  'would-create': 'would be added',
  'would-update': 'would be updated',
  'would-activate': 'would be activated',
  'would-deactivate': 'would be deactivated',
};
const REPORTS = [
  ['results.csv', 'Results (CSV)'],
  ['results.xlsx', 'Results (Excel)'],
  ['errors.csv', 'Rows to fix (CSV)'],
  ['failed.csv', 'Rows to retry (CSV)'],
  ['summary.json', 'Summary (JSON)'],
];

export const $ = (id) => document.getElementById(id);

/** An element with a class, text and children: `el('td', 'muted', 'text')`, `el('ul', 'counts', li, li)`. */
export function el(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of children) if (child !== null && child !== undefined && child !== '') node.append(child);
  return node;
}

export function showMessage(text) {
  $('message').textContent = text;
  $('message').hidden = !text;
}

/** Says a change out loud to screen readers (the polite live region), without moving focus. */
export function announce(text) {
  const region = $('announcer');
  region.textContent = '';
  region.textContent = text;
}

export function keyKnown() {
  const known = Boolean(sessionStorage.getItem(KEY));
  $('key-form').hidden = known;
  $('key-saved').hidden = !known;
  return known;
}

export function forgetKey() {
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(ME);
  keyKnown();
}

/** The key's name, learnt from the first import this tab submitted (the API names the submitter). */
export const myName = () => sessionStorage.getItem(ME);
export const rememberMyName = (name) => name && sessionStorage.setItem(ME, name);

/** fetch with the key; a non-2xx answer throws an Error carrying the server's own message. */
export async function api(path, options = {}) {
  const headers = {
    ...(options.headers || {}),
    authorization: `Bearer ${sessionStorage.getItem(KEY) || ''}`,
  };
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401) {
    forgetKey();
    throw new Error('The API key was not accepted. Enter it again.');
  }
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new Error(body?.error?.message || `The server answered ${response.status}.`);
  }
  return response;
}

/** POST a JSON body. */
export const postJson = (path, body) =>
  api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export function countsItems(counts) {
  return Object.entries(counts || {})
    .filter(([, n]) => n > 0)
    .map(([outcome, n]) => {
      const bad = outcome === 'invalid' || outcome === 'failed' || outcome === 'conflict';
      return el('li', bad ? 'bad' : '', `${n} ${OUTCOME_TEXT[outcome] || outcome}`);
    });
}

export function countsList(counts) {
  const list = el('ul', 'counts', ...countsItems(counts));
  return list;
}

export function downloadLinks(view) {
  const frag = document.createDocumentFragment();
  if (!view.reportReady) return frag;
  for (const [file, label] of REPORTS) {
    const a = el('a', '', label);
    a.href = view.links[file];
    a.dataset.download = `${view.id}-${file}`;
    frag.append(a);
  }
  return frag;
}

/** The state in words. */
export const stateText = (view) => STATE_TEXT[view.state] || view.state;

/** Why it is in that state (the API's stateReason: a refused or failed file, who cancelled, a hold). */
export const stateReason = (view) => view.stateReason || (view.state === 'failed' ? view.error : '') || '';

/** When, in the configured time zone with the zone shown (the API's *Local strings), else the browser's. */
export function whenText(view, which = 'createdAt') {
  const local = view.timings?.[`${which}Local`];
  if (local) return view.timeZone ? `${local} (${view.timeZone})` : local;
  const at = view.timings?.[which];
  return at ? new Date(at).toLocaleString() : '';
}

export function kindText(view) {
  if (view.kind === 'revert') return `Revert of ${view.options.revertOf}`;
  if (view.options.retryOf) return `Retry of ${view.options.retryOf}`;
  if (view.options.resumeOf) return `Resume of ${view.options.resumeOf}`;
  return '';
}

/**
 * The API's routes, from its OpenAPI document (read once): a button whose route this server does not
 * have yet is left out rather than answered 404.
 */
let routes = null;
export async function loadRoutes() {
  if (routes) return;
  try {
    const doc = await (await fetch('/docs/json')).json();
    routes = new Set(
      Object.entries(doc.paths || {}).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
  } catch {
    routes = new Set();
  }
}
export const hasRoute = (route) => routes === null || routes.size === 0 || routes.has(route);
