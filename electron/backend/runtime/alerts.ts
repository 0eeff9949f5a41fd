import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { envValue } from '../util/env-value';
import nodemailer from 'nodemailer';
import { request } from 'undici';
import type { Run } from '../../../shared/domain/run';
import { AppError, errorMessage } from '../../../shared/errors';
import type { Logger } from '../util/log';
import { redact } from '../util/redact';

/**
 * Where `mlc serve` sends alerts. Read from the environment (see `alertSettingsFromEnv`); each
 * secret-bearing value also has a `_FILE` variant so a Kubernetes Secret mounted as a file works.
 */
export interface AlertSettings {
  /** POSTed a JSON summary (Slack, Teams, PagerDuty Events or any relay). */
  webhookUrl?: string;
  /** Alert when a flow's dead letters rise above this many (unset: no dead-letter alerts). */
  deadLetterThreshold?: number;
  smtp?: {
    host: string;
    port: number;
    /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
    secure: boolean;
    user?: string;
    password?: string;
    from: string;
    to: string[];
  };
}

/** What an alert says: counts, names and a cleaned error, never records, keys' values or links. */
export interface AlertSummary {
  kind: 'run-failed' | 'dead-letters';
  bundle: string;
  flow: string;
  run: string;
  status: Run['status'];
  at: string;
  counters: Run['counters'];
  deadLetters: number;
  error?: { code: string; message: string };
  text: string;
}

const envNames = {
  webhook: 'MLC_ALERT_WEBHOOK_URL',
  threshold: 'MLC_ALERT_DEAD_LETTERS',
  smtpHost: 'MLC_SMTP_HOST',
  smtpPort: 'MLC_SMTP_PORT',
  smtpSecure: 'MLC_SMTP_SECURE',
  smtpUser: 'MLC_SMTP_USER',
  smtpPassword: 'MLC_SMTP_PASSWORD',
  from: 'MLC_ALERT_EMAIL_FROM',
  to: 'MLC_ALERT_EMAIL_TO',
} as const;

/** Alert settings from the environment; throws E_INVALID_INPUT naming the variable that is wrong. */
export function alertSettingsFromEnv(env: NodeJS.ProcessEnv): AlertSettings {
  const settings: AlertSettings = {};
  const webhook = envValue(env, envNames.webhook);
  if (webhook) {
    if (!/^https?:\/\//.test(webhook))
      throw new AppError('E_INVALID_INPUT', `${envNames.webhook} must be an http(s) URL.`);
    settings.webhookUrl = webhook;
  }
  const threshold = env[envNames.threshold];
  if (threshold !== undefined && threshold !== '') {
    const value = Number(threshold);
    if (!Number.isInteger(value) || value < 0)
      throw new AppError(
        'E_INVALID_INPUT',
        `${envNames.threshold} takes a whole number ≥ 0, not ${JSON.stringify(threshold)}.`,
      );
    settings.deadLetterThreshold = value;
  }
  const host = envValue(env, envNames.smtpHost);
  if (host) {
    const port = Number(env[envNames.smtpPort] ?? 587);
    const from = env[envNames.from];
    const to = (env[envNames.to] ?? '')
      .split(',')
      .map((address) => address.trim())
      .filter(Boolean);
    if (!Number.isInteger(port) || port <= 0 || port > 65535)
      throw new AppError('E_INVALID_INPUT', `${envNames.smtpPort} takes a port number.`);
    if (!from || to.length === 0)
      throw new AppError(
        'E_INVALID_INPUT',
        `${envNames.smtpHost} is set: also set ${envNames.from} (sender) and ${envNames.to} (comma-separated recipients).`,
      );
    settings.smtp = {
      host,
      port,
      secure: env[envNames.smtpSecure] === undefined ? port === 465 : env[envNames.smtpSecure] === 'true',
      user: envValue(env, envNames.smtpUser),
      password: envValue(env, envNames.smtpPassword),
      from,
      to,
    };
  }
  return settings;
}

/**
 * An error message fit for a notification: secrets redacted, links, e-mail addresses and quoted
 * values (which can be a record's data) replaced, at most 300 characters.
 */
export function sanitizeMessage(message: string): string {
  const cleaned = redact(message)
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '[link]')
    .replace(/\bwww\.\S+/gi, '[link]')
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '[address]')
    .replace(/"[^"\n]*"|“[^”\n]*”|'[^'\n]*'|«[^»\n]*»/g, '“…”')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.length > 300 ? `${cleaned.slice(0, 299)}…` : cleaned;
}

export class Alerter {
  /** Flows whose dead letters are above the threshold now: alert on the way up only, not every run. */
  private readonly above = new Set<string>();
  private readonly pending = new Set<Promise<void>>();
  private readonly mailer;

  constructor(
    private readonly settings: AlertSettings,
    private readonly log: Logger,
    private readonly bundleName: string,
  ) {
    this.mailer = settings.smtp
      ? nodemailer.createTransport({
          host: settings.smtp.host,
          port: settings.smtp.port,
          secure: settings.smtp.secure,
          ...(settings.smtp.user ? { auth: { user: settings.smtp.user, pass: settings.smtp.password ?? '' } } : {}),
        })
      : undefined;
  }

  get enabled(): boolean {
    return this.settings.webhookUrl !== undefined || this.mailer !== undefined;
  }

  /** After each finished run: a failed run alerts; dead letters crossing the threshold alert once. */
  afterRun(run: Run, flowName: string, deadLetters: number): void {
    if (!this.enabled) return;
    if (run.status === 'failed') this.send(this.summary('run-failed', run, flowName, deadLetters));
    const threshold = this.settings.deadLetterThreshold;
    if (threshold === undefined) return;
    if (deadLetters > threshold) {
      if (!this.above.has(run.flowId)) {
        this.above.add(run.flowId);
        this.send(this.summary('dead-letters', run, flowName, deadLetters));
      }
    } else this.above.delete(run.flowId);
  }

  /** Waits for alerts still being delivered (shutdown). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    this.mailer?.close();
  }

  private summary(kind: AlertSummary['kind'], run: Run, flow: string, deadLetters: number): AlertSummary {
    const error = run.error ? { code: run.error.code, message: sanitizeMessage(run.error.message) } : undefined;
    const counts = `read ${run.counters.read}, created ${run.counters.created}, updated ${run.counters.updated}, failed ${run.counters.failed}`;
    const text =
      kind === 'run-failed'
        ? `mlc: the flow “${flow}” (bundle “${this.bundleName}”) failed${error ? ` with ${error.code}: ${error.message}` : ''}. Records: ${counts}. Dead letters waiting: ${deadLetters}.`
        : `mlc: the flow “${flow}” (bundle “${this.bundleName}”) has ${deadLetters} dead letters waiting, above the threshold of ${this.settings.deadLetterThreshold}. Last run ${run.status}; records: ${counts}. Replay them with mlc replay once the cause is fixed.`;
    return {
      kind,
      bundle: this.bundleName,
      flow,
      run: run.id,
      status: run.status,
      at: run.finishedAt ?? new Date().toISOString(),
      counters: run.counters,
      deadLetters,
      ...(error ? { error } : {}),
      text,
    };
  }

  private send(summary: AlertSummary): void {
    const deliveries: Array<Promise<void>> = [];
    if (this.settings.webhookUrl) deliveries.push(this.post(this.settings.webhookUrl, summary));
    if (this.mailer && this.settings.smtp) deliveries.push(this.mail(summary));
    const all = Promise.all(deliveries).then(() => undefined);
    this.pending.add(all);
    void all.finally(() => this.pending.delete(all));
  }

  private async post(url: string, summary: AlertSummary): Promise<void> {
    const policy = retry(
      handleWhen((error) => !(error instanceof PermanentWebhookError)),
      {
        // Five attempts in all, about 1 s apart at first and growing (cockatiel's decorrelated jitter).
        maxAttempts: 4,
        backoff: new ExponentialBackoff({
          initialDelay: 1000,
          maxDelay: 60_000,
        }),
      },
    );
    try {
      await policy.execute(async () => {
        const response = await request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          // `text` is what Slack and Teams incoming webhooks display; the rest is for other relays.
          body: JSON.stringify(summary),
          headersTimeout: 15_000,
          bodyTimeout: 15_000,
        });
        await response.body.dump();
        if (response.statusCode >= 200 && response.statusCode < 300) return;
        const message = `the webhook answered HTTP ${response.statusCode}`;
        if (response.statusCode === 429 || response.statusCode >= 500) throw new Error(message);
        throw new PermanentWebhookError(message);
      });
      this.log.info('alert sent', { kind: summary.kind, flow: summary.flow, channel: 'webhook' });
    } catch (error) {
      // The URL can carry a token (Slack, Teams): never logged.
      this.log.error('alert not delivered', {
        kind: summary.kind,
        flow: summary.flow,
        channel: 'webhook',
        error: errorMessage(error).replace(url, '[webhook]'),
      });
    }
  }

  private async mail(summary: AlertSummary): Promise<void> {
    const smtp = this.settings.smtp!;
    try {
      await this.mailer!.sendMail({
        from: smtp.from,
        to: smtp.to,
        subject:
          summary.kind === 'run-failed'
            ? `mlc: a run failed: ${summary.flow}`
            : `mlc: ${summary.deadLetters} dead letters waiting: ${summary.flow}`,
        text: `${summary.text}\n\nRun ${summary.run} at ${summary.at}.\n`,
      });
      this.log.info('alert sent', { kind: summary.kind, flow: summary.flow, channel: 'email' });
    } catch (error) {
      this.log.error('alert not delivered', {
        kind: summary.kind,
        flow: summary.flow,
        channel: 'email',
        error: redact(errorMessage(error)),
      });
    }
  }
}

class PermanentWebhookError extends Error {}
