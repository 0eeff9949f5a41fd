import type { z } from 'zod';

/**
 * Everything the app knows about one system that is not its connector or its
 * simulator: names, the mark the renderer draws, the settings schema, the
 * secret slots and the connection form. The catalog (`catalog.ts`) lists the
 * specs; the system id enum, bundle secrets, connection forms, marks, the
 * connector registry and the sandbox registry derive from it.
 */
export interface SystemSpec<Id extends string = string> {
  id: Id;
  label: string;
  /** One line for people choosing a system. */
  description: string;
  /** A coloured monogram (no logos are bundled): its letters and a CSS background. */
  mark: { initials: string; background: string };
  /** Non-secret settings, checked on create, update and bundle import; keys it does not name are refused. */
  settings: z.ZodObject<z.ZodRawShape>;
  secrets: SecretSlots;
  /**
   * How a connection is made in the app: a form (`form`), or a file the user
   * imports (`ionapi`: Infor's `.ionapi` file fills settings and secrets).
   */
  setup: { kind: 'form'; fields: readonly FormHint[]; secrets: z.ZodObject<z.ZodRawShape> } | { kind: 'ionapi' };
  /**
   * A browser sign-in the connector offers (`connections.signIn`: authorization code with
   * PKCE, RFC 8252): the card shows a button with this label; it fills `slot`.
   */
  signIn?: {
    label: string;
    slot: string;
    /** Whether the connection's settings use the browser sign-in (default: always). */
    available?: (settings: Readonly<Record<string, unknown>>) => boolean;
  };
}

/**
 * Vault slots a connection uses. Some depend on settings (an Infor
 * client-credentials file has no service account; Zendesk OAuth needs other
 * slots than an API token), so they are functions of the settings.
 */
export interface SecretSlots {
  /** Slots that must hold a value before the connector can sign in. */
  required(settings: Readonly<Record<string, unknown>>): readonly string[];
  /** Slots the connector uses when set (exported as bundle slots too). */
  optional?(settings: Readonly<Record<string, unknown>>): readonly string[];
}

/** One input of a connection form; its schema is the spec's settings or secrets schema entry under `key`. */
export interface FormHint {
  key: string;
  label: string;
  where: 'settings' | 'secrets';
  kind: 'text' | 'secret' | 'select' | 'number' | 'boolean';
  options?: ReadonlyArray<{ value: string; label: string }>;
  placeholder?: string;
  help?: string;
  /** Optional fields may stay empty (the schema's default applies). */
  optional?: boolean;
}

/** Checks a spec and keeps its literal types (id, setup kind), so the catalog can derive `SystemId` and the form systems. */
export function defineSystem<const Spec extends SystemSpec>(spec: Spec): Spec {
  return spec;
}
