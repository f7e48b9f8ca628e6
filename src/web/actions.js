/* global document, setTimeout */
// What can be done to an import, where it applies: review a held one, cancel (shown as cancelling at
// once), retry the failed rows, resume a cancelled one, revert (a dry run first, shown, then the real
// one). Each action's result is a new import: it is marked in the history and said in the live region.
import { openDetail } from './detail.js';
import { markFresh, refreshHistory, showState } from './history.js';
import { openReview } from './review.js';
import { $, TERMINAL, announce, api, countsItems, el, hasRoute, postJson, showMessage } from './shared.js';

const WRITES = ['created', 'updated', 'activated', 'deactivated'];

function button(action, view, text, label) {
  const b = el('button', action === 'detail' ? 'secondary' : 'secondary small', text);
  b.type = 'button';
  b.dataset.action = action;
  b.dataset.id = view.id;
  b.setAttribute('aria-label', `${label} ${view.fileName} (${view.id})`);
  return b;
}

/** The buttons that apply to this import now (in its own detail, no Details button). */
export function actionButtons(view, { inDetail = false } = {}) {
  const buttons = inDetail ? [] : [button('detail', view, 'Details', 'Details of')];
  const ended = TERMINAL.has(view.state);
  if (view.state === 'needs-review') buttons.push(button('review', view, 'Review', 'Review'));
  if (!ended && view.state !== 'cancelling') buttons.push(button('cancel', view, 'Cancel', 'Cancel'));
  if (ended && (view.counts.failed ?? 0) > 0 && view.kind !== 'revert')
    buttons.push(button('retry', view, 'Retry failed rows', 'Retry the failed rows of'));
  if (view.state === 'cancelled' && view.links.resume && hasRoute('POST /imports/{id}/resume'))
    buttons.push(button('resume', view, 'Resume', 'Resume'));
  const wrote = WRITES.some((o) => (view.counts[o] ?? 0) > 0);
  if (view.state === 'done' && !view.options.dryRun && wrote)
    buttons.push(button('revert', view, 'Revert', 'Revert'));
  return buttons;
}

/** A new import made by an action: into the history, marked, and said. */
function started(what, body) {
  markFresh(body.importId);
  announce(`${what}: new import ${body.importId}.`);
}

export async function cancelImport(id) {
  await api(`/imports/${id}`, { method: 'DELETE' });
  showState(id, 'cancelling');
  announce('Cancelling: no more rows are sent.');
}

async function run(action, id) {
  showMessage('');
  try {
    if (action === 'detail') return await openDetail(id);
    if (action === 'review') {
      await openReview(id, () => void refreshHistory());
      $('review-title').focus();
      return;
    }
    if (action === 'cancel') return await cancelImport(id);
    if (action === 'retry')
      return started(
        'Retrying the failed rows',
        await (await postJson(`/imports/${id}/retry-failed`, {})).json(),
      );
    if (action === 'resume')
      return started('Resumed', await (await postJson(`/imports/${id}/resume`, {})).json());
    if (action === 'revert') return await openRevert(id);
  } catch (err) {
    showMessage(err.message);
  }
}

// --- Revert: a dry run first, its counts shown, then the real one -----------------------------------

let revertOf = null;

async function waitEnded(id) {
  for (;;) {
    const view = await (await api(`/imports/${id}`)).json();
    if (TERMINAL.has(view.state)) return view;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function openRevert(id) {
  revertOf = id;
  const dialog = $('revert-dialog');
  $('revert-target').textContent = id;
  $('revert-preview').replaceChildren(
    el('p', 'muted', 'Checking what a revert would do (a dry run, nothing is written)…'),
  );
  $('revert-now').disabled = true;
  dialog.showModal();
  const dry = await (await postJson(`/imports/${id}/revert`, { dryRun: true })).json();
  markFresh(dry.importId);
  const view = await waitEnded(dry.importId);
  if (revertOf !== id) return;
  const items = countsItems(view.counts);
  $('revert-preview').replaceChildren(
    el('p', '', `The dry run (${dry.importId}) found what a revert would do:`),
    items.length ? el('ul', 'counts', ...items) : el('p', '', 'Nothing to put back.'),
    (view.counts.conflict ?? 0) > 0
      ? el(
          'p',
          'hint',
          'Rows changed since the import are left as they are (conflict): their report shows both values.',
        )
      : '',
  );
  $('revert-now').disabled = view.state !== 'done';
  $('revert-now').focus();
}

async function revertNow() {
  const id = revertOf;
  if (!id) return;
  $('revert-now').disabled = true;
  try {
    const body = await (await postJson(`/imports/${id}/revert`, { dryRun: false })).json();
    $('revert-dialog').close();
    started('Reverting', body);
  } catch (err) {
    $('revert-dialog').close();
    showMessage(err.message);
  }
}

export function wireActions() {
  document.addEventListener('click', (e) => {
    const b = e.target.closest?.('button[data-action]');
    if (b) void run(b.dataset.action, b.dataset.id);
  });
  $('revert-now').addEventListener('click', () => void revertNow());
  $('revert-close').addEventListener('click', () => $('revert-dialog').close());
  $('revert-dialog').addEventListener('close', () => {
    revertOf = null;
  });
}
