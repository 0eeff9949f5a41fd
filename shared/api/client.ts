import { AppError, errorMessage } from '../errors';
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from './contract';
import type { Result } from './result';

/** What a transport must do; IPC, the web bridge and in-process calls all fit this. */
export interface Transport {
  invoke(method: string, input: unknown): Promise<Result<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

/** The typed face of the contract, identical for every transport. */
export interface ApiClient {
  invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>>;
  /** Like `invoke` but returns the value or throws an `AppError` carrying the code. */
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export function createClient(transport: Transport): ApiClient {
  const invoke = async <M extends MethodName>(method: M, input: MethodInput<M>) => {
    try {
      // The backend parsed the output with the contract's schema before sending it.
      return (await transport.invoke(method, input)) as Result<MethodOutput<M>>;
    } catch (error) {
      const message = errorMessage(error);
      return { ok: false as const, error: { code: 'E_TRANSPORT' as const, message } };
    }
  };
  return {
    invoke,
    async call(method, input) {
      const result = await invoke(method, input);
      if (!result.ok) throw new AppError(result.error.code, result.error.message, result.error.details);
      return result.value;
    },
    on(event, listener) {
      return transport.on(event, (payload) => listener(payload as EventPayload<typeof event>));
    },
  };
}
