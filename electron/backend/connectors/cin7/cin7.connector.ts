import type { Connector } from '../framework/connector';
import { DescriptorConnector, type ConnectorEnvironment } from '../framework/connector-runtime';
import { cin7Descriptor } from './cin7.descriptor';
import { createCin7Hooks, type Cin7Hooks } from './cin7.hooks';

/** Cin7 Core: the generic runtime plus lookups by ID, name or code for dry runs. */
export class Cin7Connector extends DescriptorConnector {
  /** A target: its hooks look records up, so `lookup` is always there. */
  declare readonly lookup: NonNullable<Connector['lookup']>;
  declare protected readonly hooks: Cin7Hooks;

  constructor(environment: ConnectorEnvironment) {
    super(cin7Descriptor, createCin7Hooks(), environment);
  }
}

export function createCin7Connector(environment: ConnectorEnvironment): Cin7Connector {
  return new Cin7Connector(environment);
}
