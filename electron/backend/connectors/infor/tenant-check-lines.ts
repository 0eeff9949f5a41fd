import { AppError } from '../../../../shared/errors';
import type { HookContext } from '../framework/hooks';
import { withQuery } from '../framework/paginator';
import { idoCheck, idoUrl, listConfigurations } from './csi-reader';
import { fsmUrl } from './fsm-reader';
import { resolveSources, type CsiSource, type FsmSource, type LnSource, type ProductLine } from './infor-sources';
import { lnError, lnUrl } from './ln-reader';
import type { Probe } from './tenant-check-probe';

/** The `_limit` the FSM reader asks for at most (descriptor `maxPageSize`). */
const fsmReaderLimit = 1000;

/** CSI, LN and FSM probes (plan U15–U18, U20, U21), on the customers source of the product line. */
export function lineProbes(context: HookContext, productLine: Exclude<ProductLine, 'm3'>): Probe[] {
  const sources = resolveSources(productLine, context.settings.entitySources) as Record<string, unknown>;
  const source = sources.customers;
  if (!source)
    throw new AppError('E_INVALID_INPUT', `Infor ${productLine}: the tenant check needs a customers source.`);
  switch (productLine) {
    case 'csi':
      return csiProbes(context, source as CsiSource);
    case 'ln':
      return lnProbes(context, source as LnSource);
    case 'fsm':
      return fsmProbes(context, source as FsmSource);
  }
}

const setting = (context: HookContext, key: string) => String(context.settings[key] ?? '').trim();

function csiProbes(context: HookContext, source: CsiSource): Probe[] {
  let configurations: Promise<string[]> | undefined;
  const list = (signal: AbortSignal) => {
    configurations ??= listConfigurations(context, signal);
    configurations.catch(() => (configurations = undefined));
    return configurations;
  };
  /** The chosen configuration, else the first listed: probes ask how the server behaves, any site tells. */
  const config = async (signal: AbortSignal) => setting(context, 'mongooseConfig') || (await list(signal))[0] || '';
  /** `{TENANT}_{SITE}` → the site public clients send as X-Infor-Site. */
  const siteOf = (name: string) => setting(context, 'csiSite') || name.slice(name.lastIndexOf('_') + 1);
  const load = async (signal: AbortSignal, query: Record<string, string>, extra: Record<string, string> = {}) => {
    const headers: Record<string, string> = { ...extra };
    // A configured one goes out as the descriptor's header already.
    if (!setting(context, 'mongooseConfig')) headers['x-infor-mongooseconfig'] = await config(signal);
    const response = await context.http.request({
      url: withQuery(idoUrl(context, `load/${encodeURIComponent(source.ido)}`), {
        properties: source.keys.join(','),
        recordcap: '1',
        ...query,
      }),
      headers,
      expect: 'json',
      signal,
      passStatuses: [400, 403, 404, 500],
    });
    if (response.status >= 400) return `HTTP ${response.status}`;
    try {
      idoCheck(response.data, `load ${source.ido}`);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };
  return [
    {
      id: 'csi.sites',
      title: 'IDO configurations (sites)',
      async run(signal) {
        const names = await list(signal);
        const chosen = setting(context, 'mongooseConfig');
        if (chosen)
          return names.includes(chosen)
            ? {
                status: 'confirmed',
                observed: `${names.length} configurations (${names.join(', ')}); ${chosen} is chosen.`,
                setting: { key: 'mongooseConfig', value: chosen },
              }
            : {
                status: 'differs',
                observed: `The chosen configuration ${chosen} is not among ${names.join(', ') || 'none'}: choose one of them.`,
              };
        if (names.length === 1)
          return {
            status: 'confirmed',
            observed: `One configuration, ${names[0]}: it is used.`,
            setting: { key: 'mongooseConfig', value: names[0]! },
          };
        return {
          status: 'differs',
          observed: `${names.length} configurations (${names.join(', ')}), each a site with its own data: choose one on the connection.`,
        };
      },
    },
    {
      id: 'csi.siteHeader',
      title: 'X-Infor-Site header on loads',
      async run(signal) {
        const name = await config(signal);
        const site = siteOf(name);
        if (setting(context, 'csiSite')) {
          const failed = await load(signal, {});
          return failed
            ? { status: 'failed', observed: `A load with X-Infor-Site ${site} failed: ${failed}` }
            : {
                status: 'confirmed',
                observed: `Loads with X-Infor-Site ${site} answer.`,
                setting: { key: 'csiSite', value: site },
              };
        }
        const without = await load(signal, {});
        if (!without)
          return { status: 'confirmed', observed: `Loads answer without X-Infor-Site: no site needs setting.` };
        const withSite = await load(signal, {}, { 'x-infor-site': site });
        if (withSite)
          return { status: 'failed', observed: `Loads fail with and without X-Infor-Site ${site}: ${withSite}` };
        return {
          status: 'differs',
          observed: `Loads are refused without X-Infor-Site (${without}) and answer with ${site}: the site is set.`,
          setting: { key: 'csiSite', value: site },
        };
      },
    },
    {
      id: 'csi.dateLiteral',
      title: 'RecordDate literal: ISO with T reads the same under every DATEFORMAT',
      async run(signal) {
        const stamp = source.stamp;
        const iso = await load(signal, { filter: `${stamp} >= '2000-01-13T00:00:00.000'` });
        if (iso)
          return {
            status: 'differs',
            observed: `'yyyy-MM-ddTHH:mm:ss.fff' is refused (${iso}): delta reads cannot filter on ${stamp}.`,
          };
        // Day 13 as a month: refused when the session reads yyyy-MM-dd as year-day-month (dmy).
        const spaced = await load(signal, { filter: `${stamp} >= '2000-01-13 00:00:00'` });
        return {
          status: 'confirmed',
          observed: `'yyyy-MM-ddTHH:mm:ss.fff' is accepted; the session reads 'yyyy-MM-dd hh:mm' as ${spaced ? 'year-day-month (dmy)' : 'year-month-day'}. Delta reads send the ISO form.`,
        };
      },
    },
    {
      id: 'csi.unknownProperty',
      title: 'A filter on an unknown property is an error',
      async run(signal) {
        const failed = await load(signal, { filter: 'MlcNoSuchProperty = 1' });
        return failed
          ? { status: 'confirmed', observed: `Refused: ${failed}` }
          : {
              status: 'differs',
              observed:
                'Answered without an error: a misspelt property in entitySources would read nothing silently; check names against the IDO.',
            };
      },
    },
  ];
}

function lnProbes(context: HookContext, source: LnSource): Probe[] {
  const page = async (signal: AbortSignal, query: Record<string, string>, prefer?: string) => {
    const response = await context.http.request({
      url: withQuery(lnUrl(context, source.service, source.set), { $orderby: source.keys.join(','), ...query }),
      headers: prefer ? { prefer } : {},
      expect: 'json',
      signal,
    });
    const error = lnError(response);
    if (error) throw error;
    const body = (response.data ?? {}) as { value?: Array<Record<string, unknown>>; '@odata.nextLink'?: unknown };
    const keys = (body.value ?? []).map((row) => source.keys.map((key) => String(row[key] ?? '')).join('/'));
    return { keys, next: typeof body['@odata.nextLink'] === 'string' && body['@odata.nextLink'] !== '' };
  };
  return [
    {
      id: 'ln.paging',
      title: 'Paging: next links or $top/$skip',
      async run(signal) {
        const first = await page(signal, { $top: '3' }, 'odata.maxpagesize=2');
        if (first.next)
          return {
            status: 'differs',
            observed: `LN sends @odata.nextLink (${first.keys.length} rows for $top=3 with odata.maxpagesize=2): reads follow next links.`,
          };
        const skipped = await page(signal, { $top: '2', $skip: '1' });
        if (first.keys.length < 3)
          return { status: 'unknown', observed: `${source.set} has fewer than three rows to page.` };
        const consistent = skipped.keys.join('|') === first.keys.slice(1, 3).join('|');
        return consistent
          ? {
              status: 'confirmed',
              observed:
                'No next link (odata.maxpagesize ignored); $top/$skip windows line up: reads page by $skip until an empty page.',
            }
          : {
              status: 'differs',
              observed: `No next link, and $skip=1 does not continue $top=3 (${skipped.keys.join(', ')} vs ${first.keys.join(', ')}): paging is unreliable.`,
            };
      },
    },
  ];
}

function fsmProbes(context: HookContext, source: FsmSource): Probe[] {
  const list = async (signal: AbortSignal, query: Record<string, string>) => {
    const response = await context.http.request({
      url: withQuery(fsmUrl(context, `classes/${encodeURIComponent(source.className)}/lists/_generic`), {
        _out: 'JSON',
        ...query,
      }),
      expect: 'json',
      signal,
      passStatuses: [400, 403, 404],
    });
    return { status: response.status, body: response.data };
  };
  const message = (body: unknown) => {
    const b = (body ?? {}) as { _error?: unknown; message?: unknown };
    return String(b._error ?? b.message ?? 'no message');
  };
  return [
    {
      id: 'fsm.fields',
      title: `Fields found by sampling (_fields=_all&_limit=1)`,
      async run(signal) {
        const { status, body } = await list(signal, { _fields: '_all', _limit: '1' });
        if (status >= 400)
          return {
            status: 'differs',
            observed: `Sampling ${source.className} failed: HTTP ${status}, ${message(body)}.`,
          };
        const item = (Array.isArray(body) ? (body as Array<{ _fields?: Record<string, unknown> }>) : []).find(
          (one) => one._fields,
        );
        if (!item?._fields) return { status: 'unknown', observed: `${source.className} has no record to sample.` };
        const names = Object.keys(item._fields);
        const missing = source.keys.filter((key) => !names.includes(key));
        return missing.length === 0
          ? {
              status: 'confirmed',
              observed: `${names.length} fields of ${source.className}, keys ${source.keys.join(', ')} among them: schemas are sampled.`,
            }
          : {
              status: 'differs',
              observed: `The sample lacks key fields ${missing.join(', ')}: set the source's keys in entitySources.`,
            };
      },
    },
    {
      id: 'fsm.maxLimit',
      title: `Largest _limit answered (reads ask for up to ${fsmReaderLimit})`,
      async run(signal) {
        const field = { _fields: source.keys.join(',') };
        const first = await list(signal, { ...field, _limit: String(fsmReaderLimit) });
        if (first.status < 400) return { status: 'confirmed', observed: `_limit=${fsmReaderLimit} answered.` };
        // The refusal may name the maximum; else try a few round sizes.
        const named = [...message(first.body).matchAll(/\d+/g)].map(Number).filter((n) => n > 1 && n < fsmReaderLimit);
        for (const limit of [...new Set([...named.sort((a, b) => b - a), 500, 200, 100])]) {
          const answer = await list(signal, { ...field, _limit: String(limit) });
          if (answer.status < 400)
            return {
              status: 'differs',
              observed: `_limit=${fsmReaderLimit} is refused (${message(first.body)}); ${limit} answers: reads ask for at most ${limit}.`,
              setting: { key: 'fsmMaxLimit', value: String(limit) },
            };
        }
        return {
          status: 'differs',
          observed: `_limit=${fsmReaderLimit} and smaller sizes are refused (${message(first.body)}).`,
        };
      },
    },
  ];
}
