// The packaging configuration, checked as far as it goes without Electron's binary (which cannot
// be downloaded here): electron-builder.yml against electron-builder's own JSON schema, the fields
// a release needs, the icon, and the afterPack/afterSign hooks loaded and run on their inputs.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FuseV1Options } from '@electron/fuses';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { bundleFileSuffix } from '../../../shared/bundle/bundle.schema';
import { repoRoot } from '../../support/paths';

interface BuilderConfig {
  appId: string;
  productName: string;
  directories: { buildResources: string };
  afterPack: string;
  afterSign: string;
  fileAssociations: Array<{ ext: string; name: string; mimeType: string }>;
  publish: { provider: string; url: string };
  linux: { maintainer?: string; target: string[] };
  mac: { target: string[]; notarize: boolean; hardenedRuntime: boolean };
  nsis: { perMachine: boolean };
}

const config = parse(fs.readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  author?: { name?: string; email?: string };
  dependencies: Record<string, string>;
};

type Fuses = Record<string | number, unknown>;
interface AfterPackModule {
  afterPack: (context: unknown) => Promise<void>;
  default: unknown;
  fuseConfig: (options: typeof FuseV1Options, target: { platform: string; arm64: boolean }) => Fuses;
}
interface AfterSignModule {
  afterSign: (context: unknown, env?: Record<string, string>, log?: (line: string) => void) => Promise<string>;
  default: unknown;
  notarizeOptions: (env: Record<string, string>, appPath: string) => Record<string, string>;
}
/** A hook the way electron-builder loads it: by the path in electron-builder.yml, from the project root. */
async function hook<T>(configured: string): Promise<T> {
  return (await import(pathToFileURL(path.resolve(repoRoot, configured)).href)) as T;
}

describe('electron-builder.yml', () => {
  it('is valid against electron-builder’s own schema', () => {
    const schema = JSON.parse(
      fs.readFileSync(path.join(repoRoot, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8'),
    ) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    // The schema's own keyword for hooks that may be functions (in JS configs).
    ajv.addKeyword({ keyword: 'typeof', validate: (type: string, data: unknown) => typeof data === type });
    const validate = ajv.compile(schema);
    expect(validate(config), ajv.errorsText(validate.errors)).toBe(true);
  });

  it('names the app and an icon of at least 1024 px; the maintainer comes from package.json "author" alone', () => {
    expect(config.appId).toBe('com.mlconnector.studio');
    expect(config.productName).toBe('ml-connector Studio');
    // electron-builder's deb target falls back to `author` only when linux.maintainer is unset.
    expect(config.linux.maintainer).toBeUndefined();
    expect(pkg.author?.name).toBeTruthy();
    expect(pkg.author?.email).toMatch(/^[^@\s]+@[^@\s]+$/);
    const png = fs.readFileSync(path.join(repoRoot, config.directories.buildResources, 'icon.png'));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // IHDR: width and height, big-endian, right after the chunk header.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 1024]);
  });

  it('associates .ionapi and .mlcbundle, never .json (that would take over every JSON file on Windows)', () => {
    expect(config.fileAssociations.map((association) => association.ext)).toEqual([
      'ionapi',
      bundleFileSuffix.slice(1),
    ]);
    for (const association of config.fileAssociations) {
      expect(association.ext).not.toMatch(/json/);
      expect(association.name).toBeTruthy();
      expect(association.mimeType).toMatch(/^application\//);
    }
    // NSIS registers associations only for a per-machine install.
    expect(config.nsis.perMachine).toBe(true);
  });

  it('publishes for electron-updater (which the app carries) and gives macOS the zip it updates from', () => {
    expect(config.publish).toMatchObject({ provider: 'generic', url: '${env.MLC_UPDATE_URL}' });
    expect(pkg.dependencies).toHaveProperty('electron-updater');
    expect(config.mac.target).toEqual(expect.arrayContaining(['dmg', 'zip']));
    expect(config.mac.hardenedRuntime).toBe(true);
    // Notarised once, by the afterSign hook.
    expect(config.mac.notarize).toBe(false);
  });
});

describe('release check (scripts/check-release.mjs, the first step of npm run dist)', () => {
  interface CheckModule {
    maintainerProblem: (author: unknown) => string | undefined;
    homepageProblem: (homepage: unknown) => string | undefined;
    releaseProblems: (pkg: unknown) => string[];
    maintainerLine: (author: { name: string; email: string }) => string;
  }
  const check = () => hook<CheckModule>('scripts/check-release.mjs');

  it('runs before the build in npm run dist', () => {
    const scripts = (
      JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts.dist).toMatch(/^node scripts\/check-release\.mjs && /);
  });

  it('refuses reserved placeholder addresses, saying where to set the maintainer', async () => {
    const { maintainerProblem } = await check();
    for (const email of [
      'studio@ml-connector.example',
      'a@b.test',
      'a@example.com',
      'a@mail.example.org',
      'a@host.invalid',
    ])
      expect(maintainerProblem({ name: 'ml-connector', email })).toMatch(
        /is a placeholder: .* reserved domain .*Set "author": \{ "name": …, "email": … \} in package\.json \(README "Releasing"\)/,
      );
    expect(maintainerProblem({ name: 'ml-connector' })).toMatch(/needs both a name and an e-mail/);
    expect(maintainerProblem('ml-connector <a@b.de>')).toMatch(/is a string/);
    expect(maintainerProblem({ name: 'x', email: 'not-an-address' })).toMatch(/is not an e-mail address/);
    expect(maintainerProblem({ name: 'ml-connector', email: 'studio@ml-connector.de' })).toBeUndefined();
    // Only the domain's end counts: a real domain containing the word is fine.
    expect(maintainerProblem({ name: 'x', email: 'studio@example-studio.com' })).toBeUndefined();
  });

  it('needs an https homepage (the deb target refuses to build without one)', async () => {
    const { homepageProblem } = await check();
    expect(homepageProblem(undefined)).toMatch(/no "homepage"/);
    expect(homepageProblem('http://ml-connector.de')).toMatch(/not https/);
    expect(homepageProblem('https://studio.example.com')).toMatch(/placeholder/);
    expect(homepageProblem('https://ml-connector.de/studio')).toBeUndefined();
  });

  it('refuses this repository’s package.json until its placeholder author is replaced', async () => {
    const { releaseProblems, maintainerLine } = await check();
    const problems = releaseProblems(pkg);
    // The day a real address is set, this expectation flips and the check passes.
    if (pkg.author?.email?.endsWith('.example')) expect(problems.join('\n')).toMatch(/author\.email.*placeholder/);
    expect(
      releaseProblems({
        author: { name: 'ml-connector', email: 'studio@ml-connector.de' },
        homepage: 'https://ml-connector.de',
      }),
    ).toEqual([]);
    expect(maintainerLine({ name: ' ml-connector ', email: 'studio@ml-connector.de' })).toBe(
      'ml-connector <studio@ml-connector.de>',
    );
  });
});

describe('afterPack hook: Electron fuses', () => {
  it('loads from the configured path and turns NODE_OPTIONS and --inspect off', async () => {
    const module = await hook<AfterPackModule>(config.afterPack);
    expect(typeof module.afterPack).toBe('function');
    expect(module.default).toBe(module.afterPack);
    const fuses = module.fuseConfig(FuseV1Options, { platform: 'linux', arm64: false });
    expect(fuses[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(fuses[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(fuses[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(fuses[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(fuses[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false);
    expect(fuses.resetAdHocDarwinSignature).toBe(false);
    expect(module.fuseConfig(FuseV1Options, { platform: 'darwin', arm64: true }).resetAdHocDarwinSignature).toBe(true);
  });

  it('turns RunAsNode off, and nothing in the app still runs its binary as Node', async () => {
    const module = await hook<AfterPackModule>(config.afterPack);
    expect(module.fuseConfig(FuseV1Options, { platform: 'linux', arm64: false })[FuseV1Options.RunAsNode]).toBe(false);
    // With the fuse off, a fork of the app's executable with ELECTRON_RUN_AS_NODE starts a second app
    // instead of a Node process: mapping workers would never answer. Any code setting it fails here.
    const sources = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) return sources(full);
        return /\.(ts|mjs|js|cjs)$/.test(entry.name) ? [full] : [];
      });
    const setsRunAsNode = /ELECTRON_RUN_AS_NODE['"]?\s*[:=]|env\[['"]ELECTRON_RUN_AS_NODE['"]\]/;
    const offenders = [
      ...sources(path.join(repoRoot, 'electron')),
      ...sources(path.join(repoRoot, 'scripts')),
      ...sources(path.join(repoRoot, 'bin')),
    ]
      .filter((file) => setsRunAsNode.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(repoRoot, file));
    expect(offenders).toEqual([]);
    // The desktop app starts them as utility processes instead: main forks the built worker, the backend host injects the spawner.
    const main = fs.readFileSync(path.join(repoRoot, 'electron', 'main', 'mapping-workers.ts'), 'utf8');
    expect(main).toMatch(/utilityProcess\.fork\(mappingWorkerPath/);
    const host = fs.readFileSync(path.join(repoRoot, 'electron', 'backend', 'host', 'utility-host.ts'), 'utf8');
    expect(host).toMatch(/useWorkerSpawner\(utilitySpawner\(parentPort\)\)/);
  });

  it('flips the fuses on the packed binary through electron-builder', async () => {
    const module = await hook<AfterPackModule>(config.afterPack);
    const calls: Array<{ context: unknown; fuses: Fuses }> = [];
    const context = {
      electronPlatformName: 'linux',
      arch: 1,
      appOutDir: '/release/linux-unpacked',
      packager: {
        addElectronFuses: (given: unknown, fuses: Fuses) => {
          calls.push({ context: given, fuses });
          return Promise.resolve();
        },
      },
    };
    await module.afterPack(context);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.context).toBe(context);
    expect(calls[0]!.fuses).toMatchObject({
      version: '1',
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
    });
  });
});

describe('afterSign hook: notarisation', () => {
  const macContext = {
    electronPlatformName: 'darwin',
    appOutDir: '/release/mac-arm64',
    packager: { appInfo: { productFilename: 'ml-connector Studio' } },
  };

  it('is skipped, saying which variables to set, without Apple credentials', async () => {
    const module = await hook<AfterSignModule>(config.afterSign);
    expect(module.default).toBe(module.afterSign);
    const lines: string[] = [];
    expect(await module.afterSign(macContext, {}, (line) => lines.push(line))).toBe('skipped');
    expect(lines).toEqual([expect.stringMatching(/^Notarisation skipped: no Apple credentials \(set APPLE_API_KEY/)]);
    expect(await module.afterSign({ ...macContext, electronPlatformName: 'linux' }, {}, () => undefined)).toBe(
      'not macOS',
    );
  });

  it('reads an API key, an Apple ID or a keychain profile from the environment', async () => {
    const { notarizeOptions } = await hook<AfterSignModule>(config.afterSign);
    const app = '/release/mac/ml-connector Studio.app';
    expect(notarizeOptions({ APPLE_API_KEY: '/k.p8', APPLE_API_KEY_ID: 'KEY', APPLE_API_ISSUER: 'ISS' }, app)).toEqual({
      appPath: app,
      appleApiKey: '/k.p8',
      appleApiKeyId: 'KEY',
      appleApiIssuer: 'ISS',
    });
    expect(
      notarizeOptions({ APPLE_ID: 'a@b.c', APPLE_APP_SPECIFIC_PASSWORD: 'pw', APPLE_TEAM_ID: 'TEAM' }, app),
    ).toEqual({ appPath: app, appleId: 'a@b.c', appleIdPassword: 'pw', teamId: 'TEAM' });
    expect(notarizeOptions({ APPLE_KEYCHAIN_PROFILE: 'studio' }, app)).toEqual({
      appPath: app,
      keychainProfile: 'studio',
    });
    // Half a set is no set: skipped rather than failing at Apple.
    expect(notarizeOptions({ APPLE_ID: 'a@b.c' }, app)).toHaveProperty('skip');
  });
});
