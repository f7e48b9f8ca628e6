/* global document, sessionStorage, fetch, setTimeout, setInterval, FormData, URL */
// The upload page: keeps the API key in sessionStorage, uploads with fetch, polls the import while it
// runs, and downloads reports through fetch (a plain link cannot carry the Authorization header).
const KEY = 'customer-sync-api-key';
const TERMINAL = new Set(['done', 'failed', 'cancelled']);
const STATE_TEXT = {
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
const OUTCOME_TEXT = {
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

const $ = (id) => document.getElementById(id);
let currentId = null;

function showMessage(text) {
  $('message').textContent = text;
  $('message').hidden = !text;
}

function keyKnown() {
  const known = Boolean(sessionStorage.getItem(KEY));
  $('key-form').hidden = known;
  $('key-saved').hidden = !known;
  return known;
}

async function api(path, options = {}) {
  const headers = {
    ...(options.headers || {}),
    authorization: `Bearer ${sessionStorage.getItem(KEY) || ''}`,
  };
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401) {
    sessionStorage.removeItem(KEY);
    keyKnown();
    throw new Error('The API key was not accepted. Enter it again.');
  }
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new Error(body?.error?.message || `The server answered ${response.status}.`);
  }
  return response;
}

function countsItems(counts) {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([outcome, n]) => {
      const li = document.createElement('li');
      li.textContent = `${n} ${OUTCOME_TEXT[outcome] || outcome}`;
      if (outcome === 'invalid' || outcome === 'failed' || outcome === 'conflict') li.className = 'bad';
      return li;
    });
}

function downloadLinks(view) {
  const frag = document.createDocumentFragment();
  if (!view.reportReady) return frag;
  for (const [file, label] of REPORTS) {
    const a = document.createElement('a');
    a.href = view.links[file];
    a.textContent = label;
    a.dataset.download = `${view.id}-${file}`;
    frag.append(a);
  }
  return frag;
}

function renderCurrent(view) {
  $('current').hidden = false;
  $('current-file').textContent = view.fileName;
  $('current-state').textContent = STATE_TEXT[view.state] || view.state;
  $('current-state').className = `state-${view.state}`;
  const total = view.progress.total ?? view.progress.parsed;
  $('current-progress').max = Math.max(total, 1);
  $('current-progress').value = view.progress.done;
  $('current-rows').textContent =
    view.progress.total === null
      ? `${view.progress.done} rows done, ${view.progress.parsed} read so far`
      : `${view.progress.done} of ${view.progress.total} rows done`;
  $('current-counts').replaceChildren(...countsItems(view.counts));
  $('current-error').hidden = !view.error;
  $('current-error').textContent = view.error || '';
  $('current-downloads').replaceChildren(downloadLinks(view));
}

function renderList(imports) {
  $('no-imports').hidden = imports.length > 0;
  $('imports').replaceChildren(
    ...imports.map((view) => {
      const tr = document.createElement('tr');
      const cells = [
        view.fileName + (view.options.dryRun ? ' (dry run)' : ''),
        new Date(view.timings.createdAt).toLocaleString(),
        STATE_TEXT[view.state] || view.state,
      ].map((text) => {
        const td = document.createElement('td');
        td.textContent = text;
        return td;
      });
      cells[2].className = `state-${view.state}`;
      const rows = document.createElement('td');
      const list = document.createElement('ul');
      list.className = 'counts';
      list.append(...countsItems(view.counts));
      rows.append(list);
      const links = document.createElement('td');
      links.append(downloadLinks(view));
      tr.append(...cells, rows, links);
      return tr;
    }),
  );
}

async function refreshList() {
  if (!keyKnown()) return;
  try {
    const body = await (await api('/imports?limit=20')).json();
    renderList(body.imports);
  } catch (err) {
    showMessage(err.message);
  }
}

/** The EnKash rate shared by every worker: what it is now and why it last changed. */
async function renderRate() {
  try {
    const rate = await (await api('/enkash/rate')).json();
    const ceiling = rate.ceilingPerSec === null ? 'no ceiling' : `ceiling ${rate.ceilingPerSec}/s`;
    const why = rate.reason ? ` — ${rate.reason}` : '';
    $('current-rate').textContent = `EnKash rate ${Math.floor(rate.ratePerSec)}/s (${ceiling})${why}`;
  } catch {
    $('current-rate').textContent = '';
  }
}

/** A held import: how the file was read, why it is in doubt, and the button that lets it write. */
async function renderReview(view) {
  const section = $('current-review');
  if (view.state !== 'needs-review') {
    section.hidden = true;
    return;
  }
  if (!section.hidden && section.dataset.importId === view.id) return;
  const { plan } = await (await api(`/imports/${view.id}/plan`)).json();
  section.dataset.importId = view.id;
  $('review-doubts').replaceChildren(
    ...plan.doubts.map((d) => {
      const li = document.createElement('li');
      li.textContent = d.message;
      return li;
    }),
  );
  $('review-columns').replaceChildren(
    ...plan.columns.map((c) => {
      const tr = document.createElement('tr');
      const from = c.source ? `${c.source}${c.rule ? ` (${c.rule})` : ''}` : '';
      for (const text of [c.column, c.header, c.target || 'not used', from, c.samples.join(', ')]) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      if (c.source === 'fuzzy' || c.source === 'content') tr.className = 'guess';
      return tr;
    }),
  );
  section.hidden = false;
}

async function approveCurrent() {
  const id = $('current-review').dataset.importId;
  if (!id) return;
  try {
    await api(`/imports/${id}/approve`, { method: 'POST' });
    $('current-review').hidden = true;
  } catch (err) {
    showMessage(err.message);
  }
}

async function follow(id) {
  currentId = id;
  while (currentId === id) {
    const view = await (await api(`/imports/${id}`)).json();
    renderCurrent(view);
    await renderReview(view);
    await renderRate();
    if (TERMINAL.has(view.state)) break;
    await new Promise((resolve) => setTimeout(resolve, 750));
  }
  await refreshList();
}

async function upload(event) {
  event.preventDefault();
  const file = $('file').files[0];
  if (!file) return showMessage('Choose a file first.');
  if (!keyKnown()) return showMessage('Enter your API key first.');
  const form = new FormData();
  form.append('mode', new FormData($('upload-form')).get('mode') || 'upsert');
  form.append('dryRun', $('dry-run').checked ? 'true' : 'false');
  form.append('file', file, file.name);
  $('start').disabled = true;
  showMessage('');
  try {
    const submitted = await (await api('/imports', { method: 'POST', body: form })).json();
    await refreshList();
    await follow(submitted.importId);
  } catch (err) {
    showMessage(err.message);
  } finally {
    $('start').disabled = false;
  }
}

async function download(event) {
  const a = event.target.closest('a[data-download]');
  if (!a) return;
  event.preventDefault();
  try {
    const blob = await (await api(a.getAttribute('href'))).blob();
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = a.dataset.download;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (err) {
    showMessage(err.message);
  }
}

function chooseFile(file) {
  $('file-chosen').textContent = file ? `Chosen: ${file.name}` : '';
}

function wireDropZone() {
  const zone = $('drop-zone');
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    if (e.dataTransfer?.files?.length) {
      $('file').files = e.dataTransfer.files;
      chooseFile($('file').files[0]);
    }
  });
  $('file').addEventListener('change', () => chooseFile($('file').files[0]));
}

$('key-form').addEventListener('submit', (e) => {
  e.preventDefault();
  sessionStorage.setItem(KEY, $('api-key').value.trim());
  $('api-key').value = '';
  showMessage('');
  void refreshList();
});
$('change-key').addEventListener('click', () => {
  sessionStorage.removeItem(KEY);
  keyKnown();
  $('api-key').focus();
});
$('upload-form').addEventListener('submit', upload);
$('approve').addEventListener('click', () => void approveCurrent());
document.addEventListener('click', download);
wireDropZone();
if (keyKnown()) void refreshList();
setInterval(() => {
  if (document.visibilityState === 'visible' && currentId === null) void refreshList();
}, 5000);
