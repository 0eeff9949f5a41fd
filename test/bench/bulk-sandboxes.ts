/**
 * The simulators the bulk benchmark writes to, in a process of their own (so their CPU and memory
 * are not the engine's), with rate limits and quotas lifted: the benchmark measures the engine and
 * the write paths, not a plan's limits. Prints one JSON line with every connection, then runs until
 * SIGTERM. `npx tsx test/bench/bulk-sandboxes.ts <customers> [suppliers]`.
 */
import { startCin7Sandbox } from '../../sandbox/cin7/index';
import { startDynamicsSandbox } from '../../sandbox/dynamics/index';
import { startInforSandbox } from '../../sandbox/infor/index';
import { startSalesforceSandbox } from '../../sandbox/salesforce/index';
import { startZendeskSandbox } from '../../sandbox/zendesk/index';
import { startZohoSandbox } from '../../sandbox/zoho/index';

const records = Number(process.argv[2] ?? 100_000);
const suppliers = Number(process.argv[3] ?? records);
const infor = await startInforSandbox({ counts: { customers: records, suppliers } });
const zoho = await startZohoSandbox({ seedAccounts: 0, dailyCredits: 100_000_000 });
const salesforce = await startSalesforceSandbox({ seedAccounts: 0, dailyRequests: 100_000_000 });
const zendesk = await startZendeskSandbox({ settings: { rateLimitPerMinute: null } });
const dynamics = await startDynamicsSandbox({
  counts: { account: 0 },
  protection: { requests: 100_000_000, executionMs: 100_000_000_000, concurrent: 1_000 },
});
const cin7 = await startCin7Sandbox({ rateLimit: null });
const all = [infor, zoho, salesforce, zendesk, dynamics, cin7];
process.stdout.write(
  JSON.stringify({
    infor: infor.ionapi('backend-service'),
    targets: {
      zoho: zoho.connection(),
      salesforce: salesforce.connection(),
      zendesk: zendesk.connection(),
      dynamics: dynamics.connection(),
      cin7: cin7.connection(),
    },
  }) + '\n',
);
process.once('SIGTERM', () => {
  void Promise.all(all.map((sandbox) => sandbox.close())).then(() => process.exit(0));
});
