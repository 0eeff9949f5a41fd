import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../../shared/api/client';
import { events, methods } from '../../../shared/api/contract';
import { eventNames, methodNames } from '../../../shared/api/names';
import { handlers } from '../../../electron/backend/api/handlers';
import { inProcessTransport } from '../../../electron/backend/bridge/in-process';
import { testBackend } from '../../support/backend';

describe('the contract', () => {
  it('has a handler for every method and nothing else', () => {
    expect(Object.keys(handlers).sort()).toEqual(Object.keys(methods).sort());
  });

  it('lists exactly its methods and events for the preload allow-list', () => {
    expect([...methodNames].sort()).toEqual(Object.keys(methods).sort());
    expect([...eventNames].sort()).toEqual(Object.keys(events).sort());
  });

  it('gives every method a summary', () => {
    for (const [name, spec] of Object.entries(methods)) expect(spec.summary.length, name).toBeGreaterThan(10);
  });
});

describe('dispatch through the in-process transport', () => {
  let env: ReturnType<typeof testBackend>;
  beforeEach(() => {
    env = testBackend();
  });
  afterEach(async () => {
    await env.dispose();
  });

  it('answers app.info with versions and the data folder', async () => {
    const api = createClient(inProcessTransport(env.backend));
    const info = await api.call('app.info', {});
    expect(info.name).toBe('ml-connector Studio');
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.jsonataVersion).toMatch(/^2\.(2\.([2-9]|\d\d)|[3-9])/);
    expect(info.dataDir).toBe(env.dataDir);
    expect(info.schemaVersion).toBeGreaterThanOrEqual(1);
  });

  it('refuses invalid input with E_INVALID_INPUT and the zod path', async () => {
    const result = await env.backend.invoke('connections.remove', { id: 42 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('E_INVALID_INPUT');
    expect(result.error.message).toContain('at id');
    expect(result.error.details).toMatchObject({ issues: [{ path: ['id'] }] });
  });

  it('refuses unexpected keys (inputs are strict)', async () => {
    const result = await env.backend.invoke('app.info', { extra: true });
    expect(result).toMatchObject({ ok: false, error: { code: 'E_INVALID_INPUT' } });
  });

  it('refuses unknown methods with E_UNKNOWN_METHOD', async () => {
    const result = await env.backend.invoke('connections.drop_all', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'E_UNKNOWN_METHOD' } });
    const prototypeName = await env.backend.invoke('toString', {});
    expect(prototypeName).toMatchObject({ ok: false, error: { code: 'E_UNKNOWN_METHOD' } });
  });

  it('lists, removes and announces connections end to end', async () => {
    const api = createClient(inProcessTransport(env.backend));
    const created = env.backend.context.connections.create({
      system: 'zoho',
      name: 'Zoho EU',
      settings: { dataCenter: 'eu' },
      sandbox: false,
    });
    expect(await api.call('connections.list', {})).toEqual([created]);

    const seen: string[][] = [];
    const stop = api.on('connections.changed', (payload) => seen.push(payload.ids));
    expect(await api.call('connections.remove', { id: created.id })).toEqual({ removed: true });
    stop();
    expect(seen).toEqual([[created.id]]);
    expect(await api.call('connections.list', {})).toEqual([]);

    const again = await api.invoke('connections.remove', { id: created.id });
    expect(again).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
  });

  it('keeps UI preferences and validates them', async () => {
    const api = createClient(inProcessTransport(env.backend));
    expect(await api.call('ui.prefs.get', {})).toEqual({ theme: 'system', recentFiles: [] });
    expect(await api.call('ui.prefs.set', { theme: 'dark' })).toEqual({ theme: 'dark', recentFiles: [] });
    expect((await api.call('ui.prefs.get', {})).theme).toBe('dark');
    const bad = await env.backend.invoke('ui.prefs.set', { theme: 'purple' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'E_INVALID_INPUT' } });
  });
});
