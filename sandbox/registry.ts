import path from 'node:path';
import { startInforSandbox } from './infor/index';
import fs from 'node:fs';
import { startCin7Sandbox } from './cin7/index';
import { startZendeskSandbox } from './zendesk/index';
import { startDynamicsSandbox } from './dynamics/index';
import { startZohoSandbox } from './zoho/index';
import { startSalesforceSandbox } from './salesforce/index';

/**
 * The simulators `mlc sandbox` starts. Adding a system is one entry here: start it on the
 * requested port (0 = free) and say which connection files it wrote.
 */
export interface SandboxStartOptions {
  /** 0 = a free port per simulator; otherwise simulators take consecutive ports from here. */
  port: number;
  seed: number;
  /** Customer (account) count for simulators that generate them. */
  customers?: number;
  tokenLifetimeSeconds?: number;
  /** `<data dir>/sandbox`: where connection files go. */
  directory: string;
}

export interface RunningSandbox {
  system: string;
  url: string;
  /** Connection files written for the user (e.g. `.ionapi`). */
  files: string[];
  close(): Promise<void>;
}

export interface SandboxEntry {
  /** The app's system id (`infor`, `zoho` …); the engine checks it against its catalog (test/unit/systems). */
  system: string;
  start(options: SandboxStartOptions): Promise<RunningSandbox>;
}

export const sandboxRegistry: SandboxEntry[] = [
  {
    system: 'infor',
    async start(options) {
      const sandbox = await startInforSandbox({
        port: options.port,
        seed: options.seed,
        counts: options.customers === undefined ? undefined : { customers: options.customers },
        tokenLifetimeSeconds: options.tokenLifetimeSeconds,
      });
      const files = (['backend-service', 'client-credentials'] as const).map((kind) => {
        const file = path.join(options.directory, `infor-${kind}.ionapi`);
        sandbox.writeIonapi(file, kind);
        return file;
      });
      return { system: 'infor', url: sandbox.url, files, close: () => sandbox.close() };
    },
  },
  {
    system: 'cin7',
    async start(options) {
      const sandbox = await startCin7Sandbox({ port: options.port, seed: options.seed });
      // Sandbox-only credentials, so the file can hold them (like the Infor .ionapi files).
      const file = path.join(options.directory, 'cin7-sandbox.connection.json');
      fs.writeFileSync(file, JSON.stringify(sandbox.connection(), null, 2), { mode: 0o600 });
      return { system: 'cin7', url: sandbox.url, files: [file], close: () => sandbox.close() };
    },
  },
  {
    system: 'dynamics',
    async start(options) {
      const sandbox = await startDynamicsSandbox({
        port: options.port,
        seed: options.seed,
        counts: options.customers === undefined ? undefined : { account: options.customers },
        tokenLifetimeSeconds: options.tokenLifetimeSeconds,
      });
      // Sandbox-only credentials, so the file can hold them (like the Infor .ionapi files).
      const file = path.join(options.directory, 'dynamics-sandbox.connection.json');
      fs.writeFileSync(file, JSON.stringify(sandbox.connection(), null, 2), { mode: 0o600 });
      return { system: 'dynamics', url: sandbox.url, files: [file], close: () => sandbox.close() };
    },
  },
  {
    system: 'zendesk',
    async start(options) {
      const sandbox = await startZendeskSandbox({ port: options.port, seed: options.seed });
      const file = path.join(options.directory, 'zendesk-sandbox.connection.json');
      fs.writeFileSync(file, JSON.stringify(sandbox.connection(), null, 2), { mode: 0o600 });
      return { system: 'zendesk', url: sandbox.url, files: [file], close: () => sandbox.close() };
    },
  },
  {
    system: 'zoho',
    async start(options) {
      const sandbox = await startZohoSandbox({
        port: options.port,
        seed: options.seed,
        seedAccounts: options.customers,
        tokenLifetimeSeconds: options.tokenLifetimeSeconds,
      });
      // Sandbox-only credentials, so the file can hold them (like the Infor .ionapi files).
      const file = path.join(options.directory, 'zoho-sandbox.connection.json');
      fs.writeFileSync(file, JSON.stringify(sandbox.connection(), null, 2), { mode: 0o600 });
      return { system: 'zoho', url: sandbox.url, files: [file], close: () => sandbox.close() };
    },
  },
  {
    system: 'salesforce',
    async start(options) {
      const sandbox = await startSalesforceSandbox({
        port: options.port,
        seed: options.seed,
        seedAccounts: options.customers,
        sessionSeconds: options.tokenLifetimeSeconds,
      });
      const file = path.join(options.directory, 'salesforce-sandbox.connection.json');
      fs.writeFileSync(file, JSON.stringify(sandbox.connection(), null, 2), { mode: 0o600 });
      return { system: 'salesforce', url: sandbox.url, files: [file], close: () => sandbox.close() };
    },
  },
];
