import { zendeskBaseUrl, type ZendeskAuthMode } from '../../../../shared/connectors/zendesk.settings';
import { AppError } from '../../../../shared/errors';
import type { Connector } from '../framework/connector';
import { DescriptorConnector, type ConnectorEnvironment } from '../framework/connector-runtime';
import { zendeskDescriptors } from './zendesk.descriptor';
import { createZendeskHooks, type ZendeskHooks } from './zendesk.hooks';

/** Real connections name a subdomain; sandbox connections carry the simulator's URL instead. */
function withBaseUrl(environment: ConnectorEnvironment): ConnectorEnvironment {
  const { settings } = environment.connection;
  if (typeof settings.baseUrl === 'string' && settings.baseUrl) return environment;
  const subdomain = String(settings.subdomain ?? '')
    .trim()
    .toLowerCase();
  if (!/^[a-z0-9][a-z0-9-]*$/.test(subdomain))
    throw new AppError(
      'E_INVALID_INPUT',
      'A Zendesk connection needs its subdomain (for https://acme.zendesk.com: "acme").',
    );
  return {
    ...environment,
    connection: { ...environment.connection, settings: { ...settings, baseUrl: zendeskBaseUrl(subdomain) } },
  };
}

/** Zendesk Support: the generic runtime with API-token or OAuth auth, plus lookups for dry runs. */
export class ZendeskConnector extends DescriptorConnector {
  /** A target: its hooks look records up, so `lookup` is always there. */
  declare readonly lookup: NonNullable<Connector['lookup']>;
  declare protected readonly hooks: ZendeskHooks;

  constructor(environment: ConnectorEnvironment) {
    const mode: ZendeskAuthMode = environment.connection.settings.authMode === 'oauth' ? 'oauth' : 'api_token';
    super(zendeskDescriptors[mode], createZendeskHooks(), withBaseUrl(environment));
  }
}

export function createZendeskConnector(environment: ConnectorEnvironment): ZendeskConnector {
  return new ZendeskConnector(environment);
}
