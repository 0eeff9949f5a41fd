/**
 * Error codes crossing process boundaries. Errors travel as values
 * (`{ code, message, details }`), never as thrown exceptions, so every transport
 * (IPC, web bridge, in-process) reports them the same way.
 */
export const errorCodes = [
  'E_INTERNAL',
  'E_INVALID_INPUT',
  'E_INVALID_OUTPUT',
  'E_UNKNOWN_METHOD',
  'E_NOT_FOUND',
  'E_CONFLICT',
  'E_TRANSPORT',
  'E_BRIDGE_UNAUTHORIZED',
  'E_BRIDGE_FORBIDDEN_HOST',
  'E_BRIDGE_FORBIDDEN_ORIGIN',
  'E_IPC_FORBIDDEN_SENDER',
  'E_STORE_MIGRATION',
  'E_STORE_CORRUPT',
  'E_STORE_FULL',
  'E_STORE_UNWRITABLE',
  'E_SECRET_UNAVAILABLE',
  'E_IONAPI_INVALID_JSON',
  'E_IONAPI_MISSING_KEY',
  'E_IONAPI_INVALID_KEY',
  'E_IONAPI_WEB_APP',
  'E_INFOR_CSI_CONFIG_REQUIRED',
  'E_INFOR_CSI_UNKNOWN_PROPERTY',
  'E_AUTH_FAILED',
  'E_AUTH_REFRESH_FAILED',
  'E_HTTP_HOST_NOT_ALLOWED',
  'E_HTTP_INSECURE',
  'E_HTTP_REDIRECT',
  'E_HTTP_TIMEOUT',
  'E_HTTP_STATUS',
  'E_HTTP_CIRCUIT_OPEN',
  'E_RATE_LIMITED',
  'E_QUOTA_EXCEEDED',
  'E_REMOTE',
  'E_NET_DNS',
  'E_NET_REFUSED',
  'E_NET_TIMEOUT',
  'E_NET_TLS',
  'E_NET_CANCELLED',
  'E_IONAPI_TOO_LARGE',
  'E_CONNECTION_EXISTS',
  'E_MAPPING_COMPILE',
  'E_MAPPING_PARSE',
  'E_MAPPING_EVAL',
  'E_MAPPING_TIMEOUT',
  'E_MAPPING_DEPTH',
  'E_MAPPING_MEMORY',
  'E_BUNDLE_INVALID',
  'E_ZENDESK_BULK_IMPORT_DISABLED',
  'E_INFOR_M3_AMBIGUOUS_ROW',
  'E_INFOR_M3_ROW_CUT',
  'E_INFOR_M3_ROW_CHANGED',
  'E_INFOR_M3_NONUNIQUE_KEY',
  'E_INFOR_M3_BAD_NUMBER',
  'E_SYNC_CANCELLED',
  'E_SYNC_LEASE_LOST',
  'E_SYNC_INTERRUPTED',
  'E_SYNC_DEPENDENCY',
  'E_SYNC_REQUIRED_MISSING',
  'E_SYNC_TOO_LONG',
  'E_SYNC_PICKLIST',
  'E_SYNC_TYPE',
  'E_SYNC_MATCH_KEY_MISSING',
  'E_SYNC_NO_RESULT',
  'E_SYNC_PARENT_MISSING',
  'E_SYNC_LINE_KEY',
  'E_REPLAY_FIELDS',
  'E_SCHEDULE_INVALID',
  'E_SANDBOX_START',
  'E_SAMPLES_NOT_READABLE',
  'E_BUNDLE_HASH',
  'E_BUNDLE_VERSION',
  'E_BUNDLE_ENGINE',
  'E_BUNDLE_SECRET',
  'E_BUNDLE_SECRET_MISSING',
  'E_BUNDLE_SAMPLE',
  /** Browser sign-in: the system has none, the redirect's state was foreign, the person declined, or it was not finished in time. */
  'E_SIGNIN_UNSUPPORTED',
  'E_SIGNIN_STATE',
  'E_SIGNIN_DENIED',
  'E_SIGNIN_TIMEOUT',
  'E_SIGNIN_CANCELLED',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/** Thrown inside one runtime; converted to an `ErrorInfo` value at every boundary. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  toInfo(): ErrorInfo {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/**
 * The message of anything thrown: an Error's message, the `message` of a plain object (jsonata
 * throws `{code, position, token, message}`, which String() turns into "[object Object]"), or the
 * value as text.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object') {
    const { message, code } = error as { message?: unknown; code?: unknown };
    if (typeof message === 'string' && message !== '') return message;
    if (typeof code === 'string') return `error ${code}`;
  }
  return String(error);
}

/**
 * Anything thrown, as the `ErrorInfo` value that crosses a boundary: an `AppError`
 * keeps its code, message and details; anything else gets `fallbackCode` and its message.
 */
export function toErrorInfo(error: unknown, fallbackCode: ErrorCode = 'E_INTERNAL'): ErrorInfo {
  return error instanceof AppError ? error.toInfo() : { code: fallbackCode, message: errorMessage(error) };
}
