import { createHmac } from 'node:crypto';
import type { NotificationRecord, Regression } from './registry.ts';
import type { MonitorTarget, WebhookSubscription } from './targets.ts';

/**
 * What a subscriber receives when a monitored product gets worse: version 1 of the payload documented in
 * docs/monitoring.md. Names and links only; never credentials, never evidence from the supplier.
 */
export interface RegressionNotification {
  readonly type: 'council-conform.regression';
  readonly version: 1;
  readonly id: string;
  readonly sentAt: string;
  readonly target: { readonly id: string; readonly profile: string; readonly baseUrl: string };
  readonly product: { readonly supplier: string; readonly name: string; readonly url: string | null };
  readonly run: {
    readonly jobId: string;
    readonly reportId: string;
    readonly reportUrl: string;
    readonly level: string;
    readonly mustFailures: number;
    readonly signedAt: string;
  };
  readonly regressions: readonly Regression[];
}

export interface Notifier {
  readonly describe: string;
  /** Never throws: what happened is the returned record, kept with the run. */
  notify(notification: RegressionNotification): Promise<NotificationRecord>;
}

export interface WebhookOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number;
  readonly attempts?: number;
  readonly backoffMs?: number;
}

/** HMAC-SHA256 of the exact body, hex, as `sha256=<hex>`: how a receiver tells our posts from anyone's. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * POSTs the notification as JSON. Retries a few times on network errors, 5xx and 429, each try bounded; any
 * other answer is final. A receiver that is down loses nothing of the run: the regression is on the dashboard.
 */
export function webhookNotifier(subscription: WebhookSubscription, options: WebhookOptions = {}): Notifier {
  const attempts = options.attempts ?? 3;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const backoffMs = options.backoffMs ?? 1000;
  return {
    describe: `webhook ${new URL(subscription.url).origin}`,
    async notify(notification) {
      const body = JSON.stringify(notification);
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'council-conform-monitor',
        'x-conform-event': notification.type,
        'x-conform-delivery': notification.id,
      };
      if (subscription.secretEnv) {
        const secret = (options.env ?? process.env)[subscription.secretEnv];
        if (!secret)
          return {
            url: subscription.url,
            delivered: false,
            detail: `not sent: the signing secret's variable ${subscription.secretEnv} is not set on this worker`,
          };
        headers['x-conform-signature'] = webhookSignature(secret, body);
      }
      let detail = '';
      for (let attempt = 1; attempt <= attempts; attempt++) {
        try {
          const response = await fetch(subscription.url, {
            method: 'POST',
            headers,
            body,
            redirect: 'error',
            signal: AbortSignal.timeout(timeoutMs),
          });
          await response.body?.cancel().catch(() => undefined);
          if (response.ok)
            return {
              url: subscription.url,
              delivered: true,
              status: response.status,
              detail: `HTTP ${response.status}`,
            };
          detail = `HTTP ${response.status}`;
          if (response.status < 500 && response.status !== 429)
            return { url: subscription.url, delivered: false, status: response.status, detail };
        } catch (error) {
          const cause = (error as { cause?: { message?: string } }).cause?.message;
          detail = cause ?? (error as Error).message;
        }
        if (attempt < attempts) await new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempt - 1)));
      }
      return {
        url: subscription.url,
        delivered: false,
        detail: `gave up after ${attempts} tries: ${detail}`,
      };
    },
  };
}

/** The notifiers a target asked for; one place to add a kind beside webhooks. */
export function notifiersFor(target: MonitorTarget, options: WebhookOptions = {}): Notifier[] {
  return target.notify.map((subscription) => webhookNotifier(subscription, options));
}
