/* global document, sessionStorage, setTimeout, FormData, URL */
// The page's entry: the API key (sessionStorage), the upload form, the current import's progress, and the
// parts in their own modules: the review screen (review.js), the history (history.js), an import's
// detail (detail.js) and the actions on an import (actions.js). Reports download through fetch (a plain
// link cannot carry the Authorization header).
import { cancelImport, wireActions } from './actions.js';
import { wireDetail } from './detail.js';
import { markFresh, refreshHistory, wireHistory } from './history.js';
import { closeReview, openReview, reviewing, wireReview } from './review.js';
import {
  $,
  KEY,
  TERMINAL,
  api,
  countsItems,
  downloadLinks,
  forgetKey,
  keyKnown,
  rememberMyName,
  showMessage,
  stateText,
} from './shared.js';

let currentId = null;

function renderCurrent(view) {
  $('current').hidden = false;
  $('current-file').textContent = view.fileName;
  $('current-state').textContent = stateText(view);
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
  $('current-cancel').hidden = TERMINAL.has(view.state) || view.state === 'cancelling';
  $('current-cancel').dataset.id = view.id;
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

/** Follows one import until it ends; a held one opens the review screen and waits for its answer. */
async function follow(id) {
  currentId = id;
  while (currentId === id) {
    const view = await (await api(`/imports/${id}`)).json();
    rememberMyName(view.submittedBy);
    renderCurrent(view);
    await renderRate();
    if (view.state === 'needs-review' && reviewing() !== id) {
      await openReview(id, () => void refreshHistory());
      $('review-title').focus();
    }
    if (view.state !== 'needs-review' && reviewing() === id) closeReview();
    if (TERMINAL.has(view.state)) break;
    await new Promise((resolve) => setTimeout(resolve, 750));
  }
  void refreshHistory();
}

/** The upload: `review` asks the server to hold it for review before any write. */
function uploadForm(file, review) {
  const form = new FormData();
  form.append('mode', new FormData($('upload-form')).get('mode') || 'upsert');
  form.append('dryRun', $('dry-run').checked ? 'true' : 'false');
  if (review) form.append('review', 'true');
  form.append('file', file, file.name);
  return form;
}

async function upload(event) {
  event.preventDefault();
  const file = $('file').files[0];
  if (!file) return showMessage('Choose a file first.');
  if (!keyKnown()) return showMessage('Enter your API key first.');
  $('start').disabled = true;
  showMessage('');
  currentId = null;
  $('current').hidden = false;
  $('current-file').textContent = file.name;
  $('current-state').textContent = 'Sending the file';
  $('current-state').className = '';
  $('current-counts').replaceChildren();
  $('current-downloads').replaceChildren();
  try {
    const review = $('review-first').checked && !$('dry-run').checked;
    const post = async (held) =>
      (await api('/imports', { method: 'POST', body: uploadForm(file, held) })).json();
    // A server without the `review` field refuses it by name: the choice is hidden and the file sent without.
    const submitted = await post(review).catch((err) => {
      if (!review || !/review/.test(err.message)) throw err;
      $('review-first-choice').hidden = true;
      return post(false);
    });
    markFresh(submitted.importId);
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
  void refreshHistory();
});
$('change-key').addEventListener('click', () => {
  forgetKey();
  $('api-key').focus();
});
$('upload-form').addEventListener('submit', upload);
$('current-cancel').addEventListener('click', () =>
  cancelImport($('current-cancel').dataset.id).catch((err) => showMessage(err.message)),
);
document.addEventListener('click', download);
wireDropZone();
wireReview();
wireHistory();
wireDetail();
wireActions();
if (keyKnown()) void refreshHistory();
