import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineDescriptor } from '../../../shared/connectors/descriptor';
import { dynamicsDescriptorInput } from '../../../electron/backend/connectors/dynamics/dynamics.descriptor';
import { dynamicsHooks } from '../../../electron/backend/connectors/dynamics/dynamics.hooks';
import { DescriptorConnector } from '../../../electron/backend/connectors/framework/connector-runtime';
import { startDynamicsSandbox, type DynamicsSandbox } from '../../../sandbox/dynamics/index';

/**
 * A maintainer who edits a descriptor changes what goes on the wire: the runtime executes the
 * declared page size header, fixed query and modified-since format, with no connector code between.
 * The simulator's request log is the witness.
 */
describe('the runtime executes what a descriptor declares', () => {
  let sandbox: DynamicsSandbox;
  beforeAll(async () => {
    sandbox = await startDynamicsSandbox({ counts: { account: 12 } });
  });
  afterAll(async () => sandbox?.close());

  function connectorWith(edit: (read: Record<string, unknown>) => Record<string, unknown>) {
    const input = structuredClone(dynamicsDescriptorInput) as unknown as {
      entities: Record<string, { read: Record<string, unknown> }>;
    };
    input.entities.account!.read = edit(input.entities.account!.read);
    const connection = sandbox.connection();
    return new DescriptorConnector(
      defineDescriptor(input as unknown as typeof dynamicsDescriptorInput),
      dynamicsHooks(),
      {
        connection: { id: 'descriptor-executed', settings: connection.settings, sandbox: true },
        secrets: connection.secrets,
      },
    );
  }

  async function firstCall(connector: DescriptorConnector, options: { pageSize: number; since?: string }) {
    sandbox.control.clearRequests();
    let pages = 0;
    for await (const page of connector.read('account', options)) pages += page.records.length > 0 ? 1 : 0;
    await connector.close();
    const calls = sandbox.control.requests().filter((call) => call.metered && call.path.endsWith('/accounts'));
    return { first: calls[0]!, pages };
  }

  it('sends an edited page-size header, fixed query and since format as declared', async () => {
    const connector = connectorWith((read) => ({
      ...read,
      query: { $orderby: 'name asc', $select: 'accountid,name,modifiedon' },
      pagination: {
        style: 'nextLink',
        pageSizeHeader: { name: 'Prefer', template: 'odata.maxpagesize={pageSize},odata.include-annotations="*"' },
        defaultPageSize: 5,
        maxPageSize: 5,
      },
      modifiedSince: { format: 'iso', via: 'filter', template: 'modifiedon gt {since}', filterParam: '$filter' },
    }));
    const { first } = await firstCall(connector, { pageSize: 50, since: '2020-01-02T03:04:05.678Z' });
    expect(first.headers.prefer).toBe('odata.maxpagesize=5,odata.include-annotations="*"');
    expect(first.query.$orderby).toBe('name asc');
    expect(first.query.$select).toBe('accountid,name,modifiedon');
    expect(first.query.$filter).toBe('modifiedon gt 2020-01-02T03:04:05.678Z');
  });

  it('pages through the declared page size to the end', async () => {
    const connector = connectorWith((read) => ({
      ...read,
      pagination: { ...(read.pagination as object), defaultPageSize: 4, maxPageSize: 4 },
    }));
    const { pages, first } = await firstCall(connector, { pageSize: 1000 });
    expect(first.headers.prefer).toBe('odata.maxpagesize=4');
    expect(pages).toBe(3);
  });
});
