import type { HttpResponse } from '../../http/http-client';
import type { Connector } from '../framework/connector';
import { DescriptorConnector, type ConnectorEnvironment } from '../framework/connector-runtime';
import { revokeSalesforceToken, salesforceAuthorizationCode } from './salesforce-auth';
import { salesforceDescriptor } from './salesforce.descriptor';
import {
  createSalesforceHooks,
  obtainSalesforceToken,
  type SalesforceHooks,
  type SalesforceSession,
  type SalesforceToken,
} from './salesforce.hooks';

export interface SalesforceApiUsage {
  used: number;
  limit: number;
  /** When the `Sforce-Limit-Info` header was last seen (epoch ms). */
  seenAt: number;
}

/** Compound and geolocation fields cannot be selected next to their parts. */
const unselectable = new Set(['address', 'location', 'base64']);

/** Salesforce REST: the generic runtime plus `instance_url` routing, lookups and the API usage it reports. */
export class SalesforceConnector extends DescriptorConnector {
  /** A target: its hooks look records up, so `lookup` is always there. */
  declare readonly lookup: NonNullable<Connector['lookup']>;
  declare protected readonly hooks: SalesforceHooks;
  private usage: SalesforceApiUsage | undefined;

  constructor(environment: ConnectorEnvironment) {
    const holder: { connector?: SalesforceConnector } = {};
    const session: SalesforceSession & { identityUrl(): string | undefined } = {
      instanceUrl: () => holder.connector!.instanceUrl(),
      readFields: (object) => holder.connector!.readFields(object),
      createOnlyFields: (object) => holder.connector!.createOnlyFields(object),
      observe: (response) => holder.connector!.observe(response),
      identityUrl: () => (holder.connector!.tokens?.peek() as SalesforceToken | undefined)?.identityUrl,
    };
    const hooks = createSalesforceHooks(session);
    hooks.obtainToken = (context) => obtainSalesforceToken(context, environment.now ?? Date.now);
    hooks.authorizationCode = salesforceAuthorizationCode;
    hooks.revokeToken = (context) => revokeSalesforceToken(context);
    super(salesforceDescriptor, hooks, environment);
    holder.connector = this;
  }

  /** API requests used of the daily allocation, from the last `Sforce-Limit-Info` header. */
  apiUsage(): SalesforceApiUsage | undefined {
    return this.usage ? { ...this.usage } : undefined;
  }

  async instanceUrl(): Promise<string> {
    const token = (await this.tokens!.get()) as SalesforceToken;
    return token.instanceUrl ?? String(this.context.settings.myDomainUrl).replace(/\/+$/, '');
  }

  async readFields(object: string): Promise<string[]> {
    const schema = await this.schema(object);
    return schema.fields
      .filter((candidate) => !unselectable.has(candidate.nativeType ?? ''))
      .map((candidate) => candidate.name);
  }

  /** Fields set only on create (describe: createable, not updateable); the schema is cached. */
  async createOnlyFields(object: string): Promise<string[]> {
    const schema = await this.schema(object);
    return schema.fields.filter((candidate) => candidate.createOnly === true).map((candidate) => candidate.name);
  }

  private observe(response: HttpResponse): void {
    const header = response.headers['sforce-limit-info'];
    const match = /api-usage=(\d+)\/(\d+)/.exec(Array.isArray(header) ? (header[0] ?? '') : (header ?? ''));
    if (match) this.usage = { used: Number(match[1]), limit: Number(match[2]), seenAt: Date.now() };
  }
}

export function createSalesforceConnector(environment: ConnectorEnvironment): SalesforceConnector {
  return new SalesforceConnector(environment);
}
