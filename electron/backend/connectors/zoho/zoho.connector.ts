import {
  zohoApiDomain,
  zohoDataCentreIds,
  zohoDataCentres,
  zohoEnvironments,
  type ZohoDataCentre,
  type ZohoEnvironment,
} from '../../../../shared/connectors/zoho.settings';
import { AppError } from '../../../../shared/errors';
import type { Connector } from '../framework/connector';
import { DescriptorConnector, type ConnectorEnvironment } from '../framework/connector-runtime';
import { SharedTokenStore } from '../framework/token-store';
import { createZohoBulkWrite } from './zoho-bulk';
import { obtainZohoToken, zohoAuthorizationCode, type ZohoToken } from './zoho-auth';
import { ZohoWatchChannels } from './zoho-notifications';
import { TokenRefreshLease } from './zoho-token-lease';
import { zohoDescriptor } from './zoho.descriptor';
import { createZohoHooks, zohoLookupValuesPerCall, type ZohoHooks, type ZohoSession } from './zoho.hooks';

/**
 * Real connections derive both hosts from the data centre (a setting can never
 * point credentials elsewhere); sandbox connections name their loopback URLs.
 */
function zohoSettings(environment: ConnectorEnvironment): ConnectorEnvironment['connection']['settings'] {
  const settings = environment.connection.settings;
  // An unknown data centre or environment is refused: falling back to the US would send EU credentials to zoho.com.
  const dataCentre = String(settings.dataCentre ?? 'us');
  if (!Object.hasOwn(zohoDataCentres, dataCentre)) {
    throw new AppError(
      'E_INVALID_INPUT',
      `Zoho CRM: the data centre “${dataCentre}” is not one Zoho runs; use one of ${zohoDataCentreIds.join(', ')}.`,
      { field: 'dataCentre' },
    );
  }
  const zohoEnvironment = String(settings.environment ?? 'production');
  if (!(zohoEnvironments as readonly string[]).includes(zohoEnvironment)) {
    throw new AppError(
      'E_INVALID_INPUT',
      `Zoho CRM: the environment “${zohoEnvironment}” is not one of ${zohoEnvironments.join(', ')}.`,
      { field: 'environment' },
    );
  }
  const derived = {
    accountsUrl: zohoDataCentres[dataCentre as ZohoDataCentre].accounts,
    apiDomain: zohoApiDomain(dataCentre as ZohoDataCentre, zohoEnvironment as ZohoEnvironment),
  };
  if (!environment.connection.sandbox) return { ...settings, ...derived };
  return {
    ...settings,
    accountsUrl: settings.accountsUrl ?? derived.accountsUrl,
    apiDomain: settings.apiDomain ?? derived.apiDomain,
  };
}

/** Zoho CRM v8: the generic runtime plus `api_domain` routing, lookups by match key and watch channels. */
export class ZohoConnector extends DescriptorConnector {
  /** A target: its hooks look records up, so `lookup` is always there. */
  declare readonly lookup: NonNullable<Connector['lookup']>;
  declare protected readonly hooks: ZohoHooks;
  readonly watch: ZohoWatchChannels;

  constructor(environment: ConnectorEnvironment) {
    const session: { connector?: ZohoConnector } = {};
    const zohoSession: ZohoSession = {
      apiBase: () => session.connector!.apiBase(),
      readFields: (module) => session.connector!.readFields(module),
    };
    const hooks = createZohoHooks(zohoSession);
    const store = environment.tokenStore;
    const lease =
      store instanceof SharedTokenStore ? new TokenRefreshLease(store.caches, store.connectionId) : undefined;
    hooks.obtainToken = (context, previous) =>
      obtainZohoToken(context, previous, { store, lease, now: environment.now });
    hooks.authorizationCode = zohoAuthorizationCode;
    const writeBulk = createZohoBulkWrite(zohoSession);
    hooks.writeBulk = (context, module, records, matchKey, options) =>
      writeBulk(
        context,
        module,
        records,
        matchKey,
        (some) => hooks.writeBatch!(context, module, some, matchKey),
        options,
      );
    super(zohoDescriptor, hooks, {
      ...environment,
      connection: { ...environment.connection, settings: zohoSettings(environment) },
    });
    session.connector = this;
    this.watch = new ZohoWatchChannels(this.http, () => this.apiBase(), environment.now);
  }

  /** `{api_domain}` of the current token (it may differ from the data centre's default), else the settings. */
  async apiBase(): Promise<string> {
    const token = (await this.tokens!.get()) as ZohoToken;
    return token.apiDomain ?? String(this.context.settings.apiDomain);
  }

  /** Readable field names: key and stamp first, no subforms (lists never return them); calls take 50 at a time. */
  async readFields(module: string): Promise<string[]> {
    const schema = await this.schema(module);
    const names = schema.fields
      .filter((candidate) => candidate.nativeType !== 'subform')
      .map((candidate) => candidate.name);
    const first = [
      'id',
      'Modified_Time',
      ...(this.descriptor.entities[module]?.write.mode === 'upsert'
        ? (this.descriptor.entities[module]?.write as { matchKeys: string[] }).matchKeys
        : []),
    ];
    return [...new Set([...first.filter((name) => names.includes(name)), ...names])];
  }

  lookupValuesPerCall(_entity: string, matchKey: string): number {
    return zohoLookupValuesPerCall(matchKey);
  }
}

export function createZohoConnector(environment: ConnectorEnvironment): ZohoConnector {
  return new ZohoConnector(environment);
}
