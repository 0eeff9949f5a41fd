import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { serveCommand } from '../../electron/backend/cli/commands/serve';
import { workerCommand } from '../../electron/backend/cli/commands/worker';
import { secretEnvName } from '../../shared/bundle/bundle-secrets';
import { exampleBundle } from '../bundle/support/bundle-files';
import { repoRoot } from '../support/paths';

// Docker and a cluster are not available here: the files are parsed and the fields that decide whether
// the container starts, is probed and keeps secrets safe are checked against the code they drive.

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- free-form Kubernetes objects

function manifests(file: string): Doc[] {
  const text = fs.readFileSync(path.join(repoRoot, 'deploy', 'kubernetes', file), 'utf8');
  // YAML 1.1, as Kubernetes reads it: `defaultMode: 0440` is octal there.
  return parseAllDocuments(text, { version: '1.1' }).map((document) => {
    expect(document.errors).toEqual([]);
    return document.toJS() as Doc;
  });
}

const secretDoc = manifests('secret.yaml').find((doc) => doc.kind === 'Secret')!;
const slots = exampleBundle().connections.flatMap((connection) => connection.secretSlots.map((slot) => slot.slot));

function checkPod(spec: Doc, args: string[]) {
  expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
  const [container] = spec.containers as Doc[];
  expect(container!.args).toEqual(args);
  expect(container!.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
  expect(container!.securityContext.capabilities.drop).toEqual(['ALL']);
  // Secrets: a Secret volume, mounted read-only, group-readable only (fsGroup), never world-readable.
  const secretVolume = (spec.volumes as Doc[]).find((volume) => volume.secret)!;
  expect(secretVolume.secret.secretName).toBe(secretDoc.metadata.name);
  expect(secretVolume.secret.defaultMode & 0o007).toBe(0);
  const mount = (container!.volumeMounts as Doc[]).find((entry) => entry.name === secretVolume.name)!;
  expect(mount.readOnly).toBe(true);
  const env = new Map((container!.env as Doc[]).map((entry) => [entry.name as string, entry.value as string]));
  expect(env.get('MLC_HOME')).toBe('/data');
  expect((container!.volumeMounts as Doc[]).some((entry) => entry.mountPath === '/data')).toBe(true);
  // Every slot of the bundle read from a file of that Secret, by the variable the binding reads.
  for (const slot of slots) {
    const file = env.get(`${secretEnvName(slot)}_FILE`);
    expect(file, slot).toBe(`${mount.mountPath}/${slot}`);
    expect(Object.keys(secretDoc.stringData)).toContain(slot);
  }
  for (const [name, value] of env)
    if (name.endsWith('_FILE')) expect(value.startsWith(`${mount.mountPath}/`)).toBe(true);
  return { container: container!, env };
}

describe('deployment files', () => {
  it('the Deployment serves on 0.0.0.0:8080, probes /health and /ready on that port, non-root, secrets as read-only files', () => {
    const docs = manifests('deployment.yaml');
    const deployment = docs.find((doc) => doc.kind === 'Deployment')!;
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy.type).toBe('Recreate');
    const { container } = checkPod(deployment.spec.template.spec, [
      'serve',
      '--host',
      '0.0.0.0',
      '--port',
      '8080',
      '/bundles/bundle.mlcbundle.json',
    ]);
    const port = (container.ports as Doc[]).find((entry) => entry.name === 'http')!;
    expect(port.containerPort).toBe(8080);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
    // The paths are the ones `mlc serve` answers (test/cli/serve-ops.test.ts requests them).
    expect(serveCommand.usage).toMatch(/GET {2}\/health/);
    expect(serveCommand.usage).toMatch(/GET {2}\/ready/);
    const service = docs.find((doc) => doc.kind === 'Service')!;
    expect(service.spec.ports[0].targetPort).toBe('http');
    const bundleMount = (container.volumeMounts as Doc[]).find((entry) => entry.mountPath === '/bundles')!;
    expect(bundleMount.readOnly).toBe(true);
  });

  it('queue mode: a scheduler (`mlc serve --no-work`) and scaled-out `mlc worker` pods share Redis and the store from the Secret', () => {
    const docs = manifests('queue.yaml');
    const byName = new Map(docs.filter((doc) => doc.kind === 'Deployment').map((doc) => [doc.metadata.name, doc]));
    const scheduler = byName.get('mlc-scheduler')!;
    const worker = byName.get('mlc-worker')!;
    expect(scheduler.spec.replicas).toBe(1);
    expect(worker.spec.replicas).toBeGreaterThan(1);
    const serving = checkPod(scheduler.spec.template.spec, [
      'serve',
      '--host',
      '0.0.0.0',
      '--port',
      '8080',
      '--no-work',
      '/bundles/bundle.mlcbundle.json',
    ]);
    expect(serving.container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
    const working = checkPod(worker.spec.template.spec, ['worker', '/bundles/bundle.mlcbundle.json']);
    // The URLs come from files of the Secret, read by the variables the commands document.
    const urlFiles: Array<[string, string]> = [
      ['MLC_QUEUE_URL_FILE', 'queue-url'],
      ['MLC_STORE_URL_FILE', 'store-url'],
    ];
    for (const { env } of [serving, working]) {
      for (const [variable, key] of urlFiles) {
        expect(env.get(variable)).toBe(`/run/secrets/mlc/${key}`);
        expect(Object.keys(secretDoc.stringData)).toContain(key);
      }
    }
    expect(workerCommand.usage).toMatch(/MLC_QUEUE_URL_FILE/);
    expect(workerCommand.usage).toMatch(/MLC_STORE_URL_FILE/);
    expect(serveCommand.usage).toMatch(/--no-work/);
  });

  it('the CronJob runs one `mlc run` pass per schedule, never two at once, with the same safety', () => {
    const cronJob = manifests('cronjob.yaml').find((doc) => doc.kind === 'CronJob')!;
    expect(cronJob.spec.concurrencyPolicy).toBe('Forbid');
    expect(cronJob.spec.jobTemplate.spec.template.spec.restartPolicy).toBe('Never');
    checkPod(cronJob.spec.jobTemplate.spec.template.spec, ['run', '/bundles/bundle.mlcbundle.json']);
  });

  it('the Dockerfile builds in stages, installs production dependencies only for the runtime, runs as non-root', () => {
    const text = fs.readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
    const stages = [...text.matchAll(/^FROM \S+ AS (\w+)$/gm)].map((match) => match[1]);
    expect(stages).toEqual(['build', 'deps', 'runtime']);
    const stage = (name: string) => {
      const start = text.indexOf(` AS ${name}\n`);
      const next = text.indexOf('\nFROM ', start);
      return text.slice(start, next === -1 ? undefined : next);
    };
    expect(stage('deps')).toMatch(/npm ci --omit=dev/);
    const runtime = stage('runtime');
    // node_modules in the image come from the production-only stage, the code from the build.
    expect(runtime).toMatch(/^COPY --from=deps \/app\/node_modules \.\/node_modules$/m);
    expect(runtime).not.toMatch(/COPY --from=build \/app\/node_modules/);
    expect(runtime).not.toMatch(/npm (ci|install)/);
    const user = /^USER (\d+)(?::(\d+))?$/m.exec(runtime);
    expect(Number(user?.[1])).toBeGreaterThan(0);
    expect(runtime).toMatch(/^EXPOSE 8080$/m);
    expect(runtime).toMatch(
      /^CMD \["serve", "--host", "0\.0\.0\.0", "--port", "8080", "\/bundles\/bundle\.mlcbundle\.json"\]$/m,
    );
    const ignore = fs.readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', '.git', 'dist', '**/*.ionapi', '**/secrets*.json'])
      expect(ignore).toContain(entry);
  });
});
