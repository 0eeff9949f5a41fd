/**
 * The message of anything thrown: an Error's message, or the value as text. The simulators'
 * own copy of the engine's helper, because the simulators import nothing from the engine.
 */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
