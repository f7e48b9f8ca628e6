/** The report writer's public surface. See README "Report format". */
export { writeReport } from './write-report.js';
export { ReportReconcileError, type ReconcileProblem, type OutcomeCounts } from './reconcile.js';
export { neutraliseCsvCell, needsNeutralising, stripNeutralisation } from './neutralise.js';
export {
  REPORT_FILE_NAMES,
  type ReportFiles,
  type ReportInput,
  type ReportOptions,
  type ReportSummary,
  type ReportSummaryFile,
} from './types.js';
