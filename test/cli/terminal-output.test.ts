import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../../electron/backend/cli/command';
import { syncService } from '../../electron/backend/sync/sync.service';
import { exampleBundle, reseal, writeBundle } from '../bundle/support/bundle-files';
import { runMlc } from '../bundle/support/mlc-process';
import { tempDir } from '../support/paths';
import { customerToZohoAccount, syncWorld, type SyncWorld } from '../sync/support/sync-harness';

/** A name that sets the window title, then clears the screen, if printed raw. */
const hostile = 'Accounts \u001b]0;pwned\u0007nightly\u001b[2J';
const readable = 'Accounts nightly';
// eslint-disable-next-line no-control-regex -- ESC and BEL bytes are what must not reach a terminal
const escOrBel = /[\u001b\u0007\u009b\u009d]/;

describe('`mlc` prints names from bundles and the audit log without their control characters', () => {
  const folder = tempDir('mlc-terminal-');
  let world: SyncWorld;
  let runId: string;

  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers: 5 } } });
    const flow = await world.flow({ name: hostile, expression: customerToZohoAccount });
    const [run] = await syncService(world.backend.context).engine.runPass([flow.id]);
    runId = run!.id;
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    folder.remove();
  });

  it('mlc validate: a valid bundle and an invalid one, both named with escape sequences', async () => {
    const bundle = exampleBundle();
    bundle.name = hostile;
    bundle.flows[0]!.name = hostile;
    const valid = await runMlc(['validate', writeBundle(folder.dir, 'valid.mlcbundle.json', reseal(bundle))], {
      MLC_HOME: folder.dir,
    });
    expect(valid.code).toBe(exitCodes.ok);
    expect(valid.stdout).toContain(`✔ ${readable} (bundle v1) is valid`);
    expect(valid.stdout + valid.stderr).not.toMatch(escOrBel);

    // The flow's name shows up in the problem it has.
    bundle.flows[0]!.dependsOn = ['no-such-flow' as never];
    const invalid = await runMlc(['validate', writeBundle(folder.dir, 'invalid.mlcbundle.json', reseal(bundle))], {
      MLC_HOME: folder.dir,
    });
    expect(invalid.code).toBe(exitCodes.invalid);
    expect(invalid.stderr).toContain(`The flow “${readable}”: it depends on the flow no-such-flow`);
    expect(invalid.stdout + invalid.stderr).not.toMatch(escOrBel);

    // --json stays exact JSON: the name comes back byte for byte.
    const json = await runMlc(['validate', path.join(folder.dir, 'valid.mlcbundle.json'), '--json'], {
      MLC_HOME: folder.dir,
    });
    expect(json.stdout).not.toMatch(escOrBel);
    expect((JSON.parse(json.stdout) as { name: string }).name).toBe(hostile);
  }, 60_000);

  it('mlc runs: the run table and one run’s rows', async () => {
    const env = { MLC_HOME: world.dataDir };
    const table = await runMlc(['runs'], env);
    expect(table.code).toBe(exitCodes.ok);
    expect(table.stdout).toContain(readable);
    expect(table.stdout + table.stderr).not.toMatch(escOrBel);

    const rows = await runMlc(['runs', '--run', runId], env);
    expect(rows.code).toBe(exitCodes.ok);
    expect(rows.stdout).toContain(`run ${runId} · ${readable} · `);
    expect(rows.stdout + rows.stderr).not.toMatch(escOrBel);

    const json = await runMlc(['runs', '--json'], env);
    expect(json.events.map((event) => event.flow)).toContain(hostile);
  }, 60_000);
});
