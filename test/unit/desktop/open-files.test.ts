import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { events } from '../../../shared/api/contract';
import { ionapiMaxBytes } from '../../../shared/api/connectors.contract';
import { bundleFileSuffix, isBundleFileName, legacyBundleFileSuffix } from '../../../shared/bundle/bundle.schema';
import {
  filesFromArgv,
  nodeFileAccess,
  openedFileKind,
  OpenedFileQueue,
  openedFileSender,
  readOpenedFile,
  type OpenFileEvent,
} from '../../../electron/main/open-files';
import { bundleFileName } from '../../../electron/backend/bundle/bundle-export';
import { exitCodes } from '../../../electron/backend/cli/command';
import { main } from '../../../electron/backend/cli/main';
import { captureIo, exampleBundlePath } from '../../bundle/support/bundle-files';
import { importOpenedFile, type OpenedFileTargets } from '../../../renderer/src/app/opened-files';
import { createConnectionsStore } from '../../../renderer/src/features/connections/connections.store';
import { createBundlesStore } from '../../../renderer/src/features/bundles/bundles.store';
import { startInforSandbox, type InforSandbox } from '../../../sandbox/infor/index';
import { fixturePath, tempDir } from '../../support/paths';
import { rendererWorld, type RendererWorld } from '../renderer/support/sandbox-backend';

const folders: Array<{ remove(): void }> = [];
function folder(): string {
  const made = tempDir('mlc-open-files-');
  folders.push(made);
  return made.dir;
}
afterEach(() => {
  for (const made of folders.splice(0)) made.remove();
});

describe('bundle file extension', () => {
  it('exports .mlcbundle (one extension Windows can associate) and still reads .mlcbundle.json', () => {
    expect(bundleFileSuffix).toBe('.mlcbundle');
    expect(bundleFileName({ name: 'Infor to Zoho' })).toBe('infor-to-zoho.mlcbundle');
    expect(isBundleFileName('acme.mlcbundle')).toBe(true);
    expect(isBundleFileName(`acme${legacyBundleFileSuffix}`)).toBe(true);
    expect(isBundleFileName('ACME.MLCBUNDLE')).toBe(true);
    expect(isBundleFileName('settings.json')).toBe(false);
  });

  it('mlc validates a .mlcbundle like a .mlcbundle.json', async () => {
    const dir = folder();
    const file = path.join(dir, 'infor-to-zoho.mlcbundle');
    fs.copyFileSync(exampleBundlePath, file);
    const io = captureIo({ MLC_HOME: dir });
    expect(await main(['validate', file], io)).toBe(exitCodes.ok);
  });
});

describe('files handed to the desktop app', () => {
  it('knows .ionapi and both bundle names by extension, nothing else', () => {
    expect(openedFileKind('/home/ada/Downloads/Tenant_TST.ionapi')).toBe('ionapi');
    expect(openedFileKind('C:\\Users\\ada\\TENANT.IONAPI')).toBe('ionapi');
    expect(openedFileKind('/home/ada/acme.mlcbundle')).toBe('bundle');
    expect(openedFileKind('/home/ada/acme.mlcbundle.json')).toBe('bundle');
    expect(openedFileKind('/home/ada/package.json')).toBeUndefined();
    expect(openedFileKind('/home/ada/ionapi')).toBeUndefined();
  });

  it('takes the files from a launch command line: not the executable, switches or the app folder', () => {
    // Windows and Linux installers register "<exe> %1"; Electron may add Chromium switches, and
    // `electron .` (development) passes the app folder first.
    expect(
      filesFromArgv(
        [
          '/opt/ml-connector Studio/ml-connector-studio',
          '--allow-file-access-from-files',
          '--flag=x.ionapi',
          '/home/ada/Downloads/tenant.ionapi',
        ],
        '/home/ada',
      ),
    ).toEqual(['/home/ada/Downloads/tenant.ionapi']);
    expect(filesFromArgv(['/usr/bin/electron', '.', 'exports/acme.mlcbundle', 'notes.txt'], '/home/ada/work')).toEqual([
      '/home/ada/work/exports/acme.mlcbundle',
    ]);
    expect(filesFromArgv(['/opt/app/ml-connector-studio'], '/')).toEqual([]);
  });

  it('reads an .ionapi into the event the window imports, valid against the contract', async () => {
    const dir = folder();
    const file = path.join(dir, 'tenant.ionapi');
    fs.copyFileSync(fixturePath('infor', 'ionapi_backend_placeholder_cjrentier_README.ionapi'), file);
    const event = await readOpenedFile(file, nodeFileAccess);
    expect(event).toEqual({
      state: 'read',
      kind: 'ionapi',
      fileName: 'tenant.ionapi',
      content: fs.readFileSync(file, 'utf8'),
    });
    expect(events['app.openFile'].safeParse(event).success).toBe(true);
  });

  it('refuses an .ionapi over the size limit without reading it, in the words the importer uses', async () => {
    const dir = folder();
    const file = path.join(dir, 'huge.ionapi');
    fs.writeFileSync(file, 'x'.repeat(ionapiMaxBytes + 1));
    const event = await readOpenedFile(file, {
      size: nodeFileAccess.size,
      readText: () => Promise.reject(new Error('a file over the limit must not be read')),
    });
    expect(event).toMatchObject({ state: 'error', kind: 'ionapi', error: { code: 'E_IONAPI_TOO_LARGE' } });
    expect(event?.state === 'error' && event.error.message).toMatch(/^huge\.ionapi is .*at most 100 KB/);
  });

  it('says which file could not be read and what to do when it is gone', async () => {
    const missing = path.join(folder(), 'moved.mlcbundle');
    const event = await readOpenedFile(missing, nodeFileAccess);
    expect(event).toMatchObject({ state: 'error', kind: 'bundle', fileName: 'moved.mlcbundle' });
    expect(event?.state === 'error' && event.error).toMatchObject({ code: 'E_NOT_FOUND' });
    expect(event?.state === 'error' && event.error.message).toBe(
      `Could not open ${missing}: it is not there any more (moved or deleted?). Find it and open it again.`,
    );
    expect(events['app.openFile'].safeParse(event).success).toBe(true);

    const folderNamedLikeABundle = path.join(folder(), 'export.mlcbundle');
    fs.mkdirSync(folderNamedLikeABundle);
    const fromFolder = await readOpenedFile(folderNamedLikeABundle, nodeFileAccess);
    expect(fromFolder?.state === 'error' && fromFolder.error.message).toBe(
      `Could not open ${folderNamedLikeABundle}: it is a folder, not a file.`,
    );
  });

  it('holds files until the window listens, then hands them over in order; after close it holds them again', async () => {
    const dir = folder();
    const first = path.join(dir, 'a.ionapi');
    const second = path.join(dir, 'b.mlcbundle');
    const third = path.join(dir, 'c.mlcbundle.json');
    fs.writeFileSync(first, '{"ti":"T"}');
    fs.writeFileSync(second, '{}');
    fs.writeFileSync(third, '{}');
    const queue = new OpenedFileQueue();
    const sent: OpenFileEvent[] = [];
    const pending: Array<Promise<void>> = [];
    const send = openedFileSender((event) => sent.push(event));

    // The launching file (argv, or macOS open-file before ready) and an unrelated argument.
    for (const file of filesFromArgv(['/opt/app/studio', first, path.join(dir, 'notes.txt')], dir)) queue.add(file);
    queue.add(second);
    expect(queue.waiting).toEqual([first, second]);
    expect(sent).toEqual([]);

    queue.attach((file) => pending.push(send(file)));
    await Promise.all(pending);
    expect(sent.map((event) => [event.kind, event.fileName])).toEqual([
      ['ionapi', 'a.ionapi'],
      ['bundle', 'b.mlcbundle'],
    ]);
    expect(queue.waiting).toEqual([]);

    // macOS: the last window closed, the app keeps running; a double-click waits for the new window.
    queue.detach();
    queue.add(third);
    expect(queue.waiting).toEqual([third]);
    queue.attach((file) => pending.push(send(file)));
    await Promise.all(pending);
    expect(sent.map((event) => event.fileName)).toEqual(['a.ionapi', 'b.mlcbundle', 'c.mlcbundle.json']);
  });
});

describe('a handed-over file imported by the window, against a real backend', () => {
  let world: RendererWorld;
  let sandbox: InforSandbox;
  beforeAll(async () => {
    world = rendererWorld();
    sandbox = await startInforSandbox({ counts: { customers: 5 } });
  });
  afterAll(async () => {
    await world?.close();
    await sandbox?.close();
  });

  function targets(shown: string[]) {
    const connections = createConnectionsStore(world.api);
    const bundles = createBundlesStore(world.api);
    const route: OpenedFileTargets = {
      show: (section) => shown.push(section),
      importIonapi: (fileName, content) => connections.getState().importIonapi(fileName, content),
      ionapiFailed: (fileName, error) => connections.setState({ import: { state: 'error', fileName, error } }),
      checkBundle: (fileName, content) => bundles.getState().checkFile(fileName, content),
      bundleFailed: (fileName, error) =>
        bundles.setState({ tab: 'import', import: { state: 'error', fileName, error } }),
    };
    return { connections, bundles, route };
  }

  it('an .ionapi becomes a connection on the Connections screen', async () => {
    const dir = folder();
    const file = path.join(dir, 'Sandbox_TST.ionapi');
    fs.writeFileSync(file, JSON.stringify(sandbox.ionapi()));
    const shown: string[] = [];
    const { connections, route } = targets(shown);
    const event = await readOpenedFile(file, nodeFileAccess);
    await importOpenedFile(event!, route);
    expect(shown).toEqual(['connections']);
    const state = connections.getState().import;
    expect(state.state).toBe('done');
    const listed = await world.api.call('connections.list', {});
    expect(listed.some((connection) => state.state === 'done' && connection.id === state.connection.id)).toBe(true);
  });

  it('a bundle opens checked in the import preview, nothing imported yet; a .mlcbundle.json too', async () => {
    const dir = folder();
    const example = fs.readFileSync(exampleBundlePath, 'utf8');
    for (const name of ['acme.mlcbundle', 'acme.mlcbundle.json']) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, example);
      const shown: string[] = [];
      const { bundles, route } = targets(shown);
      await importOpenedFile((await readOpenedFile(file, nodeFileAccess))!, route);
      expect(shown).toEqual(['bundles']);
      expect(bundles.getState().tab).toBe('import');
      expect(bundles.getState().import).toMatchObject({ state: 'checked', fileName: name, check: { ok: true } });
    }
    expect(await world.api.call('flows.list', {})).toEqual([]);
  });

  it('a file that could not be read shows its error where a picked file’s would', async () => {
    const shown: string[] = [];
    const { bundles, connections, route } = targets(shown);
    const missing = path.join(folder(), 'gone.mlcbundle');
    await importOpenedFile((await readOpenedFile(missing, nodeFileAccess))!, route);
    expect(bundles.getState().import).toMatchObject({ state: 'error', fileName: 'gone.mlcbundle' });
    await importOpenedFile(
      {
        state: 'error',
        kind: 'ionapi',
        fileName: 'big.ionapi',
        error: { code: 'E_IONAPI_TOO_LARGE', message: 'too big' },
      },
      route,
    );
    expect(connections.getState().import).toMatchObject({ state: 'error', error: { code: 'E_IONAPI_TOO_LARGE' } });
    expect(shown).toEqual(['bundles', 'connections']);
  });
});
