import { EventEmitter } from 'node:events';
import type { EventName, EventPayload } from '../../shared/api/contract';

type Listener = (event: EventName, payload: unknown) => void;

/** Backend → UI pushes. Transports subscribe once and forward every event. */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every open window/tab subscribes; the default cap of 10 would warn on busy desktops.
    this.emitter.setMaxListeners(0);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.emitter.emit('event', event, payload);
  }

  subscribe(listener: Listener): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
