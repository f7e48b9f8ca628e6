/* global document */
// One import in detail, in a modal dialog (Escape closes it, focus goes back to where it was): what it
// is, its counts and downloads, its actions, how its file was read (the plan), for updates each field's
// before → after, and for invalid rows the rows-to-fix grid (src/web/fix-grid.js, when it is there).
import { actionButtons } from './actions.js';
import { markFresh } from './history.js';
import {
  $,
  api,
  countsList,
  downloadLinks,
  el,
  kindText,
  stateReason,
  stateText,
  whenText,
} from './shared.js';

let opener = null;
let openId = null;

function pair(term, ...value) {
  return [el('dt', '', term), el('dd', '', ...value)];
}

function table(caption, headers, rows, className = '') {
  const t = el('table', className);
  t.append(el('caption', '', caption));
  const head = el('tr');
  for (const h of headers) head.append(Object.assign(el('th', '', h), { scope: 'col' }));
  t.append(el('thead', '', head), el('tbody', '', ...rows));
  return el('div', 'scroll-box', t);
}

function tr(labels, values) {
  const row = el('tr');
  values.forEach((v, i) => {
    const td = el('td', '', v);
    td.dataset.label = labels[i];
    row.append(td);
  });
  return row;
}

function summary(view) {
  const dl = el('dl', 'facts');
  dl.append(
    ...pair('Import', view.id),
    ...pair('Submitted by', view.submittedBy),
    ...pair('Started', whenText(view)),
    ...(view.timings.finishedAt ? pair('Finished', whenText(view, 'finishedAt')) : []),
    ...pair('State', el('span', `state-${view.state}`, stateText(view))),
    ...(stateReason(view) ? pair('Why', stateReason(view)) : []),
    ...pair('Dry run', view.options.dryRun ? 'yes: nothing written' : 'no'),
    ...pair('Mode', view.options.mode),
    ...(kindText(view) ? pair('Made by', kindText(view)) : []),
  );
  return [
    dl,
    countsList(view.counts),
    el('div', 'downloads', downloadLinks(view)),
    el('div', 'actions', ...actionButtons(view, { inDetail: true })),
  ];
}

async function planPart(id) {
  const response = await api(`/imports/${id}/plan`).catch(() => null);
  if (!response) return [];
  const { plan } = await response.json();
  const labels = ['Column', 'Header', 'Feeds', 'Found by', 'Sample values'];
  const rows = plan.columns.map((c) =>
    tr(labels, [c.column, c.header, c.target || 'not used', c.source || '', c.samples.join(', ')]),
  );
  return [
    el('h3', '', 'How the file was read'),
    ...plan.doubts.map((d) => el('p', 'hint', d.message)),
    table(`Columns of ${plan.file}, header row ${plan.headerRow}`, labels, rows, 'cards'),
  ];
}

async function changesPart(view) {
  if (!view.links.rows || !(view.counts.updated > 0 || view.counts['would-update'] > 0)) return [];
  const outcome = view.counts.updated > 0 ? 'updated' : 'would-update';
  const response = await api(`${view.links.rows}?outcome=${outcome}&limit=100`).catch(() => null);
  if (!response) return [];
  const { total, rows } = await response.json();
  const labels = ['Row', 'Customer', 'Field', 'Before', 'After'];
  const lines = rows.flatMap((r) =>
    (r.changes || []).map((c) =>
      tr(labels, [
        String(r.row),
        `${r.legalName || ''} (${r.uniqueRefNo || r.customerId || ''})`,
        c.field,
        c.before || '(empty)',
        c.after || '(empty)',
      ]),
    ),
  );
  const more =
    total > rows.length
      ? el('p', 'hint', `The first ${rows.length} of ${total}: results.csv has them all.`)
      : '';
  return [
    el('h3', '', 'What changed: before → after'),
    table(`Fields changed by ${view.id}`, labels, lines, 'cards changes'),
    more,
  ];
}

/** The rows-to-fix grid, from desk-grid's module: absent until it lands, and then the section is left out. */
async function fixPart(view) {
  if (!(view.counts.invalid > 0)) return [];
  const grid = await import('./fix-grid.js').catch(() => null);
  if (!grid?.mountFixGrid) return [];
  const box = el('div', 'fix-grid-box');
  box.id = 'fix-grid';
  grid.mountFixGrid(box, {
    importId: view.id,
    api,
    onSubmitted: (newId) => markFresh(newId),
  });
  return [el('h3', '', 'Rows to fix'), box];
}

export async function openDetail(id) {
  const dialog = $('detail');
  const view = await (await api(`/imports/${id}`)).json();
  if (!dialog.open) opener = document.activeElement;
  openId = id;
  $('detail-title').textContent = `${view.fileName}`;
  $('detail-body').replaceChildren(el('p', 'muted', 'Loading…'));
  if (!dialog.open) dialog.showModal();
  $('detail-close').focus();
  const parts = [
    ...summary(view),
    ...(await planPart(id)),
    ...(await changesPart(view)),
    ...(await fixPart(view)),
  ];
  if (openId !== id) return;
  $('detail-body').replaceChildren(...parts);
}

export function wireDetail() {
  const dialog = $('detail');
  $('detail-close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    const id = openId;
    openId = null;
    // The history may have been redrawn meanwhile: the same import's Details button stands for the opener.
    if (opener?.isConnected) opener.focus();
    else document.querySelector(`#imports [data-action="detail"][data-id="${id}"]`)?.focus();
  });
}
