/**
 * Audit storage benchmark (issue 17): bytes each audited record costs in the SQLite store, for Infor M3
 * customers synced into the Zoho sandbox (`MLC_BENCH_AUDIT_RECORDS`, default 2,000). Reported three ways:
 * the payload columns alone, the audit table with its indexes and the flow's dictionary as SQLite pages
 * them (dbstat), and what the same rows would take as the JSON text every row kept before (goal ≤ 1 KB).
 */
import { storeFile } from '../support/backend';
import { SqliteAuditRepository } from '../../electron/backend/sync/audit.repository';
import { dictionaryContent, encodePayloads } from '../../electron/backend/sync/audit-codec';
import { customerToZohoAccount, syncWorld } from '../sync/support/sync-harness';

export async function runAuditBench(records = Number(process.env.MLC_BENCH_AUDIT_RECORDS ?? 2000)) {
  const world = await syncWorld({ infor: { counts: { customers: records } } });
  try {
    const flow = await world.flow({ name: 'Audit size', expression: customerToZohoAccount });
    const run = await world.api.call('flows.run', { id: flow.id });
    const db = storeFile(world.dataDir);
    try {
      const { rows, payloadBytes } = db
        .prepare(
          `SELECT COUNT(*) AS rows, SUM(length(source_payload) + IFNULL(length(source_raw), 0)
             + IFNULL(length(transformed_payload), 0)) AS payloadBytes FROM audit WHERE run_id = ?`,
        )
        .get(run.id) as { rows: number; payloadBytes: number };
      const pages = db
        .prepare(
          `SELECT SUM(pgsize) AS bytes FROM dbstat WHERE name IN
             ('audit', 'audit_by_run', 'audit_by_key', 'audit_by_time', 'audit_dictionaries', 'audit_dictionaries_by_flow')`,
        )
        .get() as { bytes: number };
      let jsonBytes = 0;
      const audits = [...new SqliteAuditRepository(db).iterateAudits({ runId: run.id })];
      // What encoding costs the engine per record (three deflates against the flow's dictionary).
      const first = audits[0]!;
      const dictionary = {
        id: 1,
        content: dictionaryContent(first.sourcePayload, first.sourceRaw, first.transformedPayload),
      };
      const started = process.hrtime.bigint();
      for (const audit of audits)
        encodePayloads(audit.sourcePayload, audit.sourceRaw, audit.transformedPayload, dictionary);
      const encodeMicros = Number(process.hrtime.bigint() - started) / 1000 / audits.length;
      for (const audit of audits) {
        jsonBytes += JSON.stringify(audit.sourcePayload).length;
        if (audit.sourceRaw !== null) jsonBytes += JSON.stringify(audit.sourceRaw).length;
        if (audit.transformedPayload !== null) jsonBytes += JSON.stringify(audit.transformedPayload).length;
      }
      return {
        source: 'Infor M3 customers → Zoho CRM Accounts (sandboxes)',
        records: rows,
        payloadBytesPerRecord: Math.round(payloadBytes / rows),
        storeBytesPerRecord: Math.round(pages.bytes / rows),
        jsonPayloadBytesPerRecordBefore: Math.round(jsonBytes / rows),
        goalBytesPerRecord: 1024,
        encodeMicrosPerRecord: Math.round(encodeMicros),
      };
    } finally {
      db.close();
    }
  } finally {
    await world.close();
  }
}
