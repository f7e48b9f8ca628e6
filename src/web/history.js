/* global document, setTimeout, clearTimeout, URLSearchParams */
// The import history: who, when (in the configured zone), file, dry run, state in words with the reason,
// counts, downloads and the actions that apply. Filters; refreshes itself while anything is still going
// (paused while the tab is hidden); a state change is said in the live region.
import { actionButtons } from './actions.js';
import {
  $,
  TERMINAL,
  announce,
  api,
  countsList,
  downloadLinks,
  el,
  keyKnown,
  kindText,
  loadRoutes,
  myName,
  showMessage,
  stateReason,
  stateText,
  whenText,
} from './shared.js';

const BUSY_MS = 2000;
const IDLE_MS = 10000;
let views = [];
const lastState = new Map();
let fresh = null; // an import an action just made: marked in the list
let timer = null;

export const historyViews = () => views;

/** "Me" is this key's name, known once this tab has submitted an import (the API names the submitter). */
function offerMine() {
  const mine = $('filter-who').querySelector('option[value="mine"]');
  mine.disabled = !myName();
  mine.textContent = myName() ? `Me (${myName()})` : 'Me (known after your first upload here)';
}

function filters() {
  offerMine();
  const form = new URLSearchParams();
  const state = $('filter-state').value;
  const dry = $('filter-dry').value;
  const who = $('filter-who').value;
  const q = $('filter-q').value.trim();
  if (state) form.set('state', state);
  if (dry) form.set('dryRun', dry);
  if (who === 'mine' && myName()) form.set('submittedBy', myName());
  if (q) form.set('q', q);
  return form;
}

/** The same filters applied here too: a server that does not know one yet still gives the right list. */
function keep(view, f) {
  const states = f.get('state')?.split(',');
  if (states && !states.includes(view.state)) return false;
  if (f.has('dryRun') && String(view.options.dryRun) !== f.get('dryRun')) return false;
  if (f.has('submittedBy') && view.submittedBy !== f.get('submittedBy')) return false;
  const q = f.get('q');
  return !q || view.fileName.toLowerCase().includes(q.toLowerCase());
}

export async function refreshHistory() {
  clearTimeout(timer);
  timer = null;
  if (!keyKnown()) return;
  try {
    await loadRoutes();
    const f = filters();
    const body = await (await api(`/imports?limit=50&${f.toString()}`)).json();
    views = body.imports.filter((v) => keep(v, f));
    sayChanges(views);
    renderHistory();
  } catch (err) {
    showMessage(err.message);
  }
  schedule();
}

function schedule() {
  if (document.visibilityState === 'hidden') return;
  const busy = views.some((v) => !TERMINAL.has(v.state) && v.state !== 'needs-review');
  timer = setTimeout(() => void refreshHistory(), busy ? BUSY_MS : IDLE_MS);
}

function sayChanges(list) {
  const changes = [];
  for (const v of list) {
    const before = lastState.get(v.id);
    if (before && before !== v.state) changes.push(`${v.fileName}: ${stateText(v)}`);
    lastState.set(v.id, v.state);
  }
  if (changes.length) announce(changes.join('. '));
}

/** Marks the import an action just made, and redraws at once. */
export function markFresh(id) {
  fresh = id;
  void refreshHistory();
}

/** Shows a state the page knows before the server's list does (cancelling, at once). */
export function showState(id, state) {
  const view = views.find((v) => v.id === id);
  if (!view) return;
  view.state = state;
  lastState.set(id, state);
  renderHistory();
}

function cell(label, ...content) {
  const td = el('td', '', ...content);
  td.dataset.label = label;
  return td;
}

function row(view) {
  const tr = el('tr', view.id === fresh ? 'fresh' : '');
  tr.dataset.id = view.id;
  const file = el('th', 'file', view.fileName);
  file.scope = 'row';
  const kind = kindText(view);
  if (kind) file.append(el('span', 'sub', kind));
  if (view.options.dryRun) file.append(el('span', 'badge', 'dry run'));
  const state = el('span', `state-${view.state}`, stateText(view));
  const done = view.progress.total === null ? '' : `${view.progress.done} of ${view.progress.total} rows`;
  const why = stateReason(view);
  tr.append(
    file,
    cell('Who', view.submittedBy),
    cell('When', whenText(view)),
    cell('State', state, why ? el('span', 'sub why', why) : '', done ? el('span', 'sub', done) : ''),
    cell('Rows', countsList(view.counts)),
    cell('Reports', el('div', 'downloads', downloadLinks(view))),
    cell('Actions', el('div', 'actions', ...actionButtons(view))),
  );
  return tr;
}

export function renderHistory() {
  // Redrawing must not lose the keyboard's place: the focused button is found again by what it does.
  const focused = document.activeElement?.closest?.('#imports [data-action]');
  const key = focused ? [focused.dataset.action, focused.dataset.id] : null;
  $('no-imports').hidden = views.length > 0;
  $('imports').replaceChildren(...views.map(row));
  if (key) $('imports').querySelector(`[data-action="${key[0]}"][data-id="${key[1]}"]`)?.focus();
  $('history-count').textContent = `${views.length} import${views.length === 1 ? '' : 's'} shown`;
}

export function wireHistory() {
  for (const id of ['filter-state', 'filter-dry', 'filter-who'])
    $(id).addEventListener('change', () => void refreshHistory());
  let typing = null;
  $('filter-q').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => void refreshHistory(), 300);
  });
  $('filters').addEventListener('submit', (e) => {
    e.preventDefault();
    void refreshHistory();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void refreshHistory();
    else clearTimeout(timer);
  });
}
