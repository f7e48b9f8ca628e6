/* global document, setTimeout */
// The review screen: how a held file is read (each column, its samples, the EnKash field it feeds as a
// dropdown with the reading's source and confidence), the doubts, the expected counts, Approve and Cancel.
// A change of field is sent at once (PUT mapping) and the answer's plan is drawn again.
import { FIELDS } from './fields.js';
import { $, api, announce, countsItems, el, showMessage } from './shared.js';

const NOT_USED = '';
let shown = null; // the import id on screen
let onDone = () => {};

/** Shows the review screen for a held import; `done(id, action)` is told when it is approved or cancelled. */
export async function openReview(id, done = () => {}) {
  onDone = done;
  const { plan } = await (await api(`/imports/${id}/plan`)).json();
  shown = id;
  $('review').hidden = false;
  $('review-file').textContent = plan.file;
  renderPlan(plan);
  void watchCounts(id, plan);
}

export function closeReview() {
  shown = null;
  $('review').hidden = true;
}

export const reviewing = () => shown;

function renderPlan(plan) {
  $('review-doubts').replaceChildren(...plan.doubts.map((d) => el('li', '', d.message)));
  $('review-columns').replaceChildren(...plan.columns.map(columnRow));
  renderExpected(plan);
}

function renderExpected(plan) {
  const box = $('review-expected');
  if (plan.expected) {
    box.replaceChildren(el('ul', 'counts', ...countsItems(plan.expected)));
    box.setAttribute('aria-busy', 'false');
  } else {
    box.replaceChildren(
      el('p', 'muted', plan.expectedWhyNot ? `Counting: ${plan.expectedWhyNot}` : 'Counting…'),
    );
    box.setAttribute('aria-busy', 'true');
  }
}

function columnRow(c) {
  const tr = el('tr', c.source === 'fuzzy' || c.source === 'content' ? 'guess' : '');
  const th = el('th', '', c.header || `(column ${c.column}, no header)`);
  th.scope = 'row';
  th.dataset.label = 'File column';
  const letter = el('td', 'muted', c.column);
  letter.dataset.label = 'Column';
  const samples = el('td', 'samples', c.samples.join(', '));
  samples.dataset.label = 'Sample values';
  const pick = el('td');
  pick.dataset.label = 'EnKash field';
  pick.append(fieldSelect(c));
  const found = el('td', '', foundBy(c));
  found.dataset.label = 'Found by';
  tr.append(letter, th, samples, pick, found);
  return tr;
}

function foundBy(c) {
  if (!c.source) return 'not used';
  const confidence = c.confidence === undefined ? '' : `, ${Math.round(c.confidence * 100)}% sure`;
  return `${c.source}${c.rule ? ` (${c.rule})` : ''}${confidence}`;
}

function fieldSelect(c) {
  const select = el('select');
  select.setAttribute('aria-label', `EnKash field for column ${c.column} "${c.header}"`);
  select.dataset.header = c.header;
  const none = el('option', '', 'not used');
  none.value = NOT_USED;
  select.append(none, ...FIELDS.map((f) => Object.assign(el('option', '', f), { value: f })));
  select.value = c.target ?? NOT_USED;
  select.disabled = c.header === '';
  select.addEventListener('change', () => void remap(c.header, select.value));
  return select;
}

async function remap(header, field) {
  const id = shown;
  if (!id) return;
  showMessage('');
  $('review-status').textContent = `Reading the file again with "${header}" → ${field || 'not used'}…`;
  try {
    const response = await api(`/imports/${id}/mapping`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ columns: { [header]: field || null } }),
    });
    const { plan } = await response.json();
    if (shown !== id) return;
    // The table is drawn again: a keyboard user changing a field stays on its dropdown.
    const focused = document.activeElement?.dataset?.header;
    renderPlan(plan);
    if (focused !== undefined)
      [...$('review-columns').querySelectorAll('select')].find((s) => s.dataset.header === focused)?.focus();
    $('review-status').textContent = `"${header}" now feeds ${field || 'nothing'}. Plan updated.`;
    void watchCounts(id, plan);
  } catch (err) {
    $('review-status').textContent = '';
    showMessage(err.message);
  }
}

let counting = 0;
/** The expected counts come from a dry run started beside the hold: asked for until they are known. */
async function watchCounts(id, plan) {
  const round = ++counting;
  let current = plan;
  while (shown === id && round === counting && !current.expected && current.countedBy) {
    if (current.expectedWhyNot && !current.expectedWhyNot.startsWith('being counted')) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (shown !== id || round !== counting) return;
    try {
      current = (await (await api(`/imports/${id}/plan`)).json()).plan;
    } catch {
      return;
    }
    renderExpected(current);
  }
  if (current.expected && round === counting) announce('Expected counts are ready.');
}

async function act(action) {
  const id = shown;
  if (!id) return;
  showMessage('');
  try {
    if (action === 'approve') await api(`/imports/${id}/approve`, { method: 'POST' });
    else await api(`/imports/${id}`, { method: 'DELETE' });
    closeReview();
    announce(
      action === 'approve' ? 'Approved: the import is writing.' : 'Import cancelled: nothing written.',
    );
    onDone(id, action);
  } catch (err) {
    showMessage(err.message);
  }
}

export function wireReview() {
  $('review-approve').addEventListener('click', () => void act('approve'));
  $('review-cancel').addEventListener('click', () => void act('cancel'));
}
