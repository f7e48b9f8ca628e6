/** The reading plan as the compact table the CLI prints (and `customer-sync plan` shows alone). */
import { EXPECTED_OUTCOMES, type ReadingPlan } from './reading-plan.js';

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

export function formatPlan(plan: ReadingPlan): string {
  const sheets = plan.sheets
    .map((s) => `${s.name ? `sheet "${s.name}", ` : ''}header in row ${s.headerRow}`)
    .join('; ');
  const lines = [`Reading plan for ${plan.file} (${sheets}; columns: ${plan.origin})`];
  const skipped = plan.skippedSheets ?? [];
  if (skipped.length > 0)
    lines.push(`Sheets not read: ${skipped.map((s) => `"${s.name}": ${s.reason}`).join('; ')}`);
  const rows = plan.columns.map((c) => [
    c.column,
    c.header === '' ? '(no header)' : c.header,
    c.target ?? (c.identifierLike ? '(unused: looks like codes)' : '(unused)'),
    c.source ? `${c.source}${c.rule ? `:${c.rule}` : ''}` : '',
    c.confidence === undefined ? '' : c.confidence.toFixed(2),
    c.samples.join(', '),
  ]);
  const head = ['col', 'header', 'field', 'from', 'conf', 'samples'];
  const widths = head.map((h, i) =>
    Math.min(30, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))),
  );
  const line = (cells: string[]) =>
    `  ${cells.map((cell, i) => (i === cells.length - 1 ? cell : pad(clip(cell, widths[i] ?? 0), widths[i] ?? 0))).join('  ')}`.trimEnd();
  lines.push(line(head), ...rows.map(line));
  if (plan.skipped) {
    const { aboveHeader, blank, totals } = plan.skipped;
    lines.push(`Skipped rows: ${aboveHeader} above the header, ${blank} blank, ${totals} totals`);
  }
  if (plan.rows !== null) lines.push(`Rows read as customers: ${plan.rows}`);
  if (plan.expected) {
    const counts = EXPECTED_OUTCOMES.filter((o) => plan.expected?.[o] !== undefined).map(
      (o) => `${o} ${plan.expected?.[o] ?? 0}`,
    );
    lines.push(`Expected: ${counts.join(', ')}`);
  } else if (plan.expectedWhyNot) lines.push(`Expected: not known: ${plan.expectedWhyNot}`);
  if (plan.doubts.length > 0) {
    lines.push('In doubt:');
    for (const d of plan.doubts) lines.push(`  - ${d.rule}: ${d.message}`);
  }
  return lines.join('\n');
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
