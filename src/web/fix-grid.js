/* global document */
// Rows to fix, in the page: the invalid rows of a finished import in a grid, in the file's own columns,
// each bad cell highlighted with its reason; cells are editable, an edited row is checked by the server
// (POST …/rows-to-fix/check: the import's own reading and validation, no rules here), and the rows that
// check out are sent as a follow-up import (POST …/fixes). Plain ES module, no build, no inline style.
//
//   import { mountFixGrid } from '/fix-grid.js';
//   mountFixGrid(container, { importId, api, onSubmitted });
//
// `api(path, options)` is the page's fetch wrapper (Bearer key; throws Error with the server's message on
// a non-2xx answer; returns the Response). `onSubmitted(newImportId)` is called once the fixed rows are
// sent. Returns { reload, destroy }.

let mounts = 0;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The grid's stylesheet, linked once per document (the CSP allows only files from this server). */
function linkStyles() {
  if (document.querySelector('link[href="/fix-grid.css"]')) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = '/fix-grid.css';
  document.head.appendChild(link);
}

function rowName(row) {
  return row.sheet ? `row ${row.row} of sheet "${row.sheet}"` : `row ${row.row}`;
}

/** `Row 3 …` at the start of a sentence. */
function sentenceRowName(row) {
  const name = rowName(row);
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function jsonPost(body) {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export function mountFixGrid(container, { importId, api, onSubmitted }) {
  linkStyles();
  const prefix = `fix-grid-${++mounts}`;
  const root = el('section', 'fix-grid');
  root.setAttribute('aria-labelledby', `${prefix}-caption`);
  const status = el('p', 'fix-grid-status');
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  const intro = el('p', 'fix-grid-intro');
  intro.setAttribute('aria-hidden', 'true');
  // `scroll-box`: the page's name for a box a wide table may scroll inside (desk.css, the overflow checks).
  const scroll = el('div', 'fix-grid-scroll scroll-box');
  scroll.setAttribute('role', 'region');
  scroll.setAttribute('aria-labelledby', `${prefix}-caption`);
  scroll.tabIndex = 0;
  const footer = el('div', 'fix-grid-footer');
  const send = el('button', 'fix-grid-send', 'Send fixed rows as a follow-up import');
  send.type = 'button';
  const sendHint = el('p', 'fix-grid-hint');
  sendHint.id = `${prefix}-send-hint`;
  send.setAttribute('aria-describedby', sendHint.id);
  footer.append(send, sendHint);
  root.append(intro, status, scroll, footer);
  container.replaceChildren(root);

  /** Per row: what the server listed, the cells as edited, and its last check. */
  let columns = [];
  let rows = [];
  let busy = false;

  function say(text, alert = false) {
    status.textContent = text;
    status.classList.toggle('fix-grid-alert', alert);
    status.setAttribute('role', alert ? 'alert' : 'status');
  }

  function changedCells(state) {
    const cells = {};
    for (const c of columns)
      if (state.cells[c.key] !== state.original[c.key]) cells[c.key] = state.cells[c.key];
    return cells;
  }

  function edit(state) {
    return {
      row: state.row.row,
      ...(state.row.sheet ? { sheet: state.row.sheet } : {}),
      cells: changedCells(state),
    };
  }

  function ready() {
    return rows.filter((s) => s.check && s.check.ok && !s.dirty);
  }

  function updateFooter() {
    const n = ready().length;
    send.disabled = busy || n === 0;
    if (rows.length === 0) sendHint.textContent = 'Every row to fix listed here is sent.';
    else if (n === 0)
      sendHint.textContent = 'Check a fixed row first: only rows the server found valid are sent.';
    else
      sendHint.textContent = `${n} of ${rows.length} ${rows.length === 1 ? 'row is' : 'rows are'} checked and ready to send; the others stay to fix.`;
  }

  /** Marks the row's cells with `errors` (by column key); problems with no column go under the row's check. */
  function showErrors(state, errors) {
    for (const view of state.views.values()) {
      view.td.classList.remove('fix-cell-bad');
      view.input.removeAttribute('aria-invalid');
      view.input.removeAttribute('aria-describedby');
      view.reason.textContent = '';
      view.reason.hidden = true;
    }
    const loose = [];
    for (const e of errors) {
      const view = e.column === null ? undefined : state.views.get(e.column);
      if (!view) {
        loose.push(`${e.field}: ${e.message}`);
        continue;
      }
      view.td.classList.add('fix-cell-bad');
      view.input.setAttribute('aria-invalid', 'true');
      view.input.setAttribute('aria-describedby', view.reason.id);
      view.reason.textContent = view.reason.textContent
        ? `${view.reason.textContent}; ${e.message}`
        : e.message;
      view.reason.hidden = false;
    }
    state.loose.replaceChildren(...loose.map((text) => el('li', '', text)));
    state.loose.hidden = loose.length === 0;
  }

  function showState(state) {
    const tr = state.tr;
    tr.classList.toggle('fix-row-ok', Boolean(state.check && state.check.ok && !state.dirty));
    tr.classList.toggle('fix-row-edited', state.dirty);
    if (state.dirty) state.note.textContent = 'Edited: not checked yet';
    else if (!state.check) state.note.textContent = 'To fix';
    else if (state.check.ok) state.note.textContent = 'Valid: ready to send';
    else
      state.note.textContent = `Still ${state.check.errors.length === 1 ? '1 problem' : `${state.check.errors.length} problems`}`;
    state.checkButton.disabled = busy;
  }

  async function checkRow(state) {
    state.checkButton.disabled = true;
    say(`Checking ${rowName(state.row)}…`);
    try {
      const response = await api(`/imports/${importId}/rows-to-fix/check`, jsonPost(edit(state)));
      const answer = await response.json();
      state.check = answer;
      state.dirty = false;
      showErrors(state, answer.errors);
      const warned = answer.warnings.length > 0 ? ` Notes: ${answer.warnings.join('; ')}` : '';
      say(
        answer.ok
          ? `${sentenceRowName(state.row)} is valid and ready to send.${warned}`
          : `${sentenceRowName(state.row)} still has ${answer.errors.length === 1 ? 'a problem' : `${answer.errors.length} problems`}: ${answer.errors.map((e) => `${e.column ?? e.field}: ${e.message}`).join('; ')}`,
        false,
      );
    } catch (err) {
      say(`${sentenceRowName(state.row)} could not be checked: ${err.message}`, true);
    } finally {
      showState(state);
      updateFooter();
    }
  }

  function cellView(state, column) {
    const td = el('td', 'fix-cell');
    const input = el('input', 'fix-input');
    input.type = 'text';
    input.value = state.cells[column.key];
    input.setAttribute('aria-label', `${column.header || `column ${column.letter}`}, ${rowName(state.row)}`);
    input.autocomplete = 'off';
    input.spellcheck = false;
    const reason = el('p', 'fix-reason');
    reason.id = `${prefix}-r${state.index}-${column.letter}`;
    reason.hidden = true;
    input.addEventListener('input', () => {
      state.cells[column.key] = input.value;
      state.dirty = true;
      showState(state);
      updateFooter();
    });
    td.append(input, reason);
    return { td, input, reason };
  }

  function rowView(row, index) {
    const state = {
      row,
      index,
      original: { ...row.cells },
      cells: { ...row.cells },
      check: null,
      dirty: false,
      views: new Map(),
    };
    const tr = el('tr', 'fix-row');
    const th = el('th', 'fix-rownum', row.sheet ? `${row.row} (${row.sheet})` : String(row.row));
    th.scope = 'row';
    tr.append(th);
    for (const column of columns) {
      const view = cellView(state, column);
      state.views.set(column.key, view);
      tr.append(view.td);
    }
    const actions = el('td', 'fix-actions');
    const checkButton = el('button', 'fix-check', 'Check');
    checkButton.type = 'button';
    checkButton.setAttribute('aria-label', `Check ${rowName(row)}`);
    checkButton.addEventListener('click', () => checkRow(state));
    const note = el('p', 'fix-note');
    const loose = el('ul', 'fix-loose');
    actions.append(checkButton, note, loose);
    tr.append(actions);
    Object.assign(state, { tr, checkButton, note, loose });
    showErrors(state, row.errors);
    showState(state);
    return state;
  }

  function render(listing) {
    columns = listing.columns;
    const table = el('table', 'fix-grid-table');
    const caption = el(
      'caption',
      '',
      `Rows to fix in import ${importId}: ${listing.total} ${listing.total === 1 ? 'row' : 'rows'}. ` +
        'Correct the highlighted cells, check each row, then send the fixed rows.',
    );
    caption.id = `${prefix}-caption`;
    // The caption scrolls with a wide table: it names the table for screen readers (visually-hidden is
    // the page's, desk.css), and the same words stand above the scrolling box for the eye.
    caption.className = 'visually-hidden';
    intro.textContent = caption.textContent;
    const head = el('tr');
    const rowHead = el('th', '', 'Row');
    rowHead.scope = 'col';
    head.append(rowHead);
    for (const c of columns) {
      const th = el('th', '', c.header || `(column ${c.letter})`);
      th.scope = 'col';
      if (c.field) th.append(el('span', 'fix-field', c.field));
      head.append(th);
    }
    const actionHead = el('th', '', 'Check');
    actionHead.scope = 'col';
    head.append(actionHead);
    const thead = el('thead');
    thead.append(head);
    rows = listing.rows.map(rowView);
    const tbody = el('tbody');
    tbody.append(...rows.map((s) => s.tr));
    table.append(caption, thead, tbody);
    scroll.replaceChildren(table);
    const more = listing.total - listing.rows.length;
    say(
      listing.total === 0
        ? 'This import has no rows to fix.'
        : more > 0
          ? `Showing the first ${listing.rows.length} of ${listing.total} rows to fix; the others are in errors.csv.`
          : '',
    );
    footer.hidden = listing.total === 0;
    updateFooter();
  }

  async function reload() {
    say('Loading the rows to fix…');
    try {
      const response = await api(`/imports/${importId}/rows-to-fix`);
      render(await response.json());
    } catch (err) {
      scroll.replaceChildren();
      footer.hidden = true;
      say(`The rows to fix could not be loaded: ${err.message}`, true);
    }
  }

  send.addEventListener('click', async () => {
    const sending = ready();
    if (sending.length === 0) return;
    busy = true;
    updateFooter();
    say(`Sending ${sending.length} fixed ${sending.length === 1 ? 'row' : 'rows'}…`);
    try {
      const response = await api(`/imports/${importId}/fixes`, jsonPost({ rows: sending.map(edit) }));
      const { importId: followUp } = await response.json();
      say(`Sent: ${sending.length} fixed ${sending.length === 1 ? 'row' : 'rows'} as import ${followUp}.`);
      for (const s of sending) {
        s.tr.classList.add('fix-row-sent');
        s.note.textContent = `Sent in import ${followUp}`;
        for (const view of s.views.values()) view.input.readOnly = true;
        s.checkButton.hidden = true;
      }
      rows = rows.filter((s) => !sending.includes(s));
      if (onSubmitted) onSubmitted(followUp);
    } catch (err) {
      say(`The fixed rows were not sent: ${err.message}`, true);
    } finally {
      busy = false;
      updateFooter();
    }
  });

  void reload();
  return {
    reload,
    destroy() {
      root.remove();
    },
  };
}
