/**
 * Alerts for people: a warn log line always, and a JSON POST to ALERT_WEBHOOK_URL when set. A webhook
 * that fails is logged, never fatal: the alert is already in the log.
 */
import { maskText } from '../domain/mask.js';
import type { Logger } from '../logger.js';

export type Alert = {
  kind: 'export-missing' | 'awaiting-approval' | 'run-failed';
  job: string;
  message: string;
  [key: string]: unknown;
};

const WEBHOOK_TIMEOUT_MS = 10_000;

export async function raiseAlert(logger: Logger, webhookUrl: string | undefined, raw: Alert): Promise<void> {
  // The last line of defence for text leaving the process: callers mask what they quote, this masks again.
  const alert: Alert = { ...raw, message: maskText(raw.message) };
  logger.warn({ event: 'alert', ...alert }, alert.message);
  if (!webhookUrl) return;
  try {
    const response = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'customer-sync', at: new Date().toISOString(), ...alert }),
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
  } catch (err) {
    logger.error({ event: 'alert_webhook_failed', job: alert.job, err: String(err) }, 'alert webhook failed');
  }
}
