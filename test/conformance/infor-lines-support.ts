import { InforConnector } from '../../electron/backend/connectors/infor/infor.connector';
import type { ProductLine } from '../../electron/backend/connectors/infor/infor-sources';
import { ionApiSecrets, ionApiSettings, parseIonApi } from '../../electron/backend/connectors/infor/ionapi';
import type { SourceRecord } from '../../electron/backend/connectors/framework/connector';
import type { InforSandbox } from '../../sandbox/infor/index';

/** A connector on the sandbox's backend-service file, with extra settings; closed by `closeAll`. */
export function inforConnectors(sandbox: () => InforSandbox) {
  const open: InforConnector[] = [];
  return {
    make(productLine: ProductLine, extra: Record<string, unknown> = {}): InforConnector {
      const parsed = parseIonApi(JSON.stringify(sandbox().ionapi()));
      const made = new InforConnector({
        connection: {
          id: `lines-${productLine}-${Math.random()}`,
          settings: { ...ionApiSettings(parsed), productLine, ...extra },
          sandbox: true,
        },
        secrets: ionApiSecrets(parsed),
      });
      open.push(made);
      return made;
    },
    closeAll: () => Promise.all(open.map((connector) => connector.close())),
  };
}

export async function readAll(
  connector: InforConnector,
  entity: string,
  options: { since?: string; pageSize?: number } = {},
): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  for await (const page of connector.read(entity, options)) records.push(...page.records);
  return records;
}
