import type { SampleRecord } from '../../../shared/api/samples.contract';
import { AppError } from '../../../shared/errors';
import type { Handlers } from '../api/dispatch';
import { openConnector } from './connector-registry';

type SampleHandlers = Pick<Handlers, 'samples.fetch'>;

/** Pages read at most, whatever the limit: a preview must never turn into a full extract. */
const maxPages = 5;

export const sampleHandlers: SampleHandlers = {
  'samples.fetch': async (input, context) => {
    const connector = openConnector(context, input.connectionId);
    const controller = new AbortController();
    try {
      const info = connector.entities().find((entity) => entity.id === input.entity);
      if (!info) throw new AppError('E_NOT_FOUND', `${connector.descriptor.label} has no entity "${input.entity}".`);
      if (!info.readable)
        throw new AppError(
          'E_SAMPLES_NOT_READABLE',
          `${info.label} cannot be read from ${connector.descriptor.label}; pick a readable entity.`,
        );
      const records: SampleRecord[] = [];
      let calls = 0;
      let pages = 0;
      for await (const page of connector.read(input.entity, { pageSize: input.limit, signal: controller.signal })) {
        calls += page.calls;
        pages += 1;
        for (const record of page.records) {
          if (records.length >= input.limit) break;
          records.push({ key: record.key, data: record.data });
        }
        if (records.length >= input.limit || pages >= maxPages) break;
      }
      return { records, calls };
    } finally {
      // Leaving the loop early ends the iterator; the abort also stops a prefetch in flight.
      controller.abort();
      await connector.close();
    }
  },
};
