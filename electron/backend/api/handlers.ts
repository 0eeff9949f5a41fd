import { appHandlers } from '../app/app.handlers';
import { connectionHandlers } from '../connections/connections.handlers';
import type { Handlers } from './dispatch';

/** The whole handler table: the type makes a missing method a compile error. */
export const handlers: Handlers = {
  ...appHandlers,
  ...connectionHandlers,
};
