import { AppError } from '../../../shared/errors';
import type { Handlers } from '../api/dispatch';

type ConnectionHandlers = Pick<Handlers, 'connections.list' | 'connections.remove'>;

export const connectionHandlers: ConnectionHandlers = {
  'connections.list': (_input, context) => context.connections.list(),
  'connections.remove': (input, context) => {
    const existing = context.connections.get(input.id);
    if (!existing) throw new AppError('E_NOT_FOUND', `No connection with id ${input.id}; it may already be removed.`);
    const removed = context.connections.remove(input.id);
    if (removed) context.events.emit('connections.changed', { ids: [input.id] });
    return { removed };
  },
};
