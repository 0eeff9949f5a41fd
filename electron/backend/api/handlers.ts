import { appHandlers } from '../app/app.handlers';
import { connectionHandlers } from '../connections/connections.handlers';
import { signInHandlers } from '../connections/sign-in';
import { connectorHandlers } from '../connectors/connectors.handlers';
import { syncHandlers } from '../sync/sync.handlers';
import { bundleHandlers } from '../bundle/bundle.handlers';
import { sandboxHandlers } from '../sandbox/sandbox.handlers';
import { sampleHandlers } from '../connectors/samples.handlers';
import type { Handlers } from './dispatch';

/** The whole handler table: the type makes a missing method a compile error. */
export const handlers: Handlers = {
  ...appHandlers,
  ...connectionHandlers,
  ...signInHandlers,
  ...connectorHandlers,
  ...syncHandlers,
  ...sandboxHandlers,
  ...sampleHandlers,
  ...bundleHandlers,
};
