/**
 * Alerts for people: a warn log line always, and a JSON POST to ALERT_WEBHOOK_URL when set. A webhook
 * that fails is logged, never fatal: the alert is already in the log.
 */
import { maskText } from '../domain/mask.js';
import type { Logger } from '../logger.js';
import { outboundFetch } from './outbound.js';

export type Alert = {
  kind: 'export-missing' | 'awaiting-approval' | 'run-failed';
  job: string;
  message: string;
  [key: string]: unknown;
};

const WEBHOOK_TIMEOUT_MS = 10_000;

export type Webhook = { url: string | undefined; allowPrivate: boolean };

export async function raiseAlert(logger: Logger, webhook: Webhook, raw: Alert): Promise<void> {
  // The last line of defence for text leaving the process: callers mask what they quote, this masks again.
  const alert: Alert = { ...raw, message: maskText(raw.message) };
  logger.warn({ event: 'alert', ...alert }, alert.message);
  if (!webhook.url) return;
  try {
    // The webhook is an outbound call like a URL source: https, no private address unless allowed (and
    // plain http only to such an allowed private receiver), redirects within its origin.
    const response = await outboundFetch(
      webhook.url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ source: 'customer-sync', at: new Date().toISOString(), ...alert }),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      },
      { allowPrivate: webhook.allowPrivate, allowHttp: webhook.allowPrivate },
    );
    await response.body?.cancel();
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
  } catch (err) {
    logger.error({ event: 'alert_webhook_failed', job: alert.job, err: String(err) }, 'alert webhook failed');
  }
}
