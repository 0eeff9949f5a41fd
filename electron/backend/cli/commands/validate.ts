import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { validateBundleText } from '../../bundle/bundle-check';
import { bindConnections, missingSecretsMessage } from '../../bundle/bundle-binding';
import { resolveDataDir } from '../../store/paths';
import { redact } from '../../util/redact';
import { driftLine, liveSchemaDrift, type DriftReport } from '../../bundle/bundle-drift';
import { withSchemaProbes } from '../../runtime/headless-runtime';
import { AppError } from '../../../../shared/errors';
import { exitCodes, type Command } from '../command';
import { terminalText } from '../terminal-text';
import path from 'node:path';

const usage = `mlc validate BUNDLE [--secrets FILE] [--require-secrets] [--live-schemas [--strict-schemas]] [--json]

  Checks a bundle without running it: JSON and format version (older versions
  are migrated), the content hash, that it carries no secret, the JSONata
  version, every mapping compiles (and matches its graph), flows, schedules and
  the secret slots each connection needs, then runs the embedded samples and
  compares them with their expected outputs.

  --require-secrets  also fail when a required secret slot has no value here
                     (environment MLC_SECRET_<SLOT>, --secrets FILE, OS keyring)
  --secrets FILE     settings/secrets file to check against (see README)
  --live-schemas     also connect (secrets needed) and compare each mapping's schema
                     snapshot with the live schemas: a mapped field that disappeared or
                     changed type is a warning naming the field, mapping and flows
  --strict-schemas   with --live-schemas: such drift makes the bundle invalid (exit 3)
  --json             print the report as one JSON object

  Exit codes: 0 valid, 3 invalid (the report says why), 4 secrets missing (--require-secrets).`;

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check a bundle: schema, hash, no secrets, mappings compile, samples still match.',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        secrets: { type: 'string' },
        'require-secrets': { type: 'boolean', default: false },
        'live-schemas': { type: 'boolean', default: false },
        'strict-schemas': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
    const file = positionals[0];
    if (values.help || !file || positionals.length > 1) {
      (values.help ? io.out : io.err)(usage);
      return values.help ? exitCodes.ok : exitCodes.usage;
    }
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      io.err(
        `mlc validate: cannot read ${terminalText(file)}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}.`,
      );
      return exitCodes.invalid;
    }
    const { check, loaded } = await validateBundleText(text);
    let exit: number = check.ok ? exitCodes.ok : exitCodes.invalid;
    let secrets: string | undefined;
    if (check.ok && loaded.bundle && values['require-secrets']) {
      try {
        const bound = bindConnections(loaded.bundle, {
          env: io.env,
          secretsFile: values.secrets,
          sandboxDir: path.join(resolveDataDir(io.env), 'sandbox'),
        });
        secrets = missingSecretsMessage(bound);
      } catch (error) {
        // A secrets file or mounted secret that cannot be read: the same report as a missing value.
        if (!(error instanceof AppError) || error.code !== 'E_SECRET_UNAVAILABLE') throw error;
        secrets = error.message;
      }
      if (secrets) exit = exitCodes.auth;
    }
    let drift: DriftReport | undefined;
    if (check.ok && loaded.bundle && values['live-schemas'] && exit === exitCodes.ok) {
      const bundle = loaded.bundle;
      try {
        drift = await withSchemaProbes(
          bundle,
          {
            env: io.env,
            secretsFile: values.secrets,
            sandboxDir: path.join(resolveDataDir(io.env), 'sandbox'),
          },
          (probes) =>
            liveSchemaDrift(
              bundle,
              bundle.flows.map((flow) => flow.id),
              probes,
            ),
        );
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'E_SECRET_UNAVAILABLE') throw error;
        secrets = error.message;
        exit = exitCodes.auth;
      }
      for (const name of drift?.unchecked ?? [])
        check.warnings.push(`The mapping “${name}” carries no schema snapshot; export it again to have drift checked.`);
      for (const note of drift?.notes ?? []) check.warnings.push(note);
      for (const finding of drift?.findings ?? []) {
        if (values['strict-schemas'])
          check.problems.push({ code: 'E_BUNDLE_INVALID', message: `Schema drift: ${driftLine(finding)}` });
        else check.warnings.push(`schema drift: ${driftLine(finding)}`);
      }
      if (values['strict-schemas'] && (drift?.findings.length ?? 0) > 0) exit = exitCodes.invalid;
    }
    if (values.json) {
      io.out(
        JSON.stringify({
          ...check,
          ok: exit === exitCodes.ok,
          ...(secrets ? { missingSecrets: redact(secrets) } : {}),
          ...(drift ? { schemaDrift: drift.findings } : {}),
        }),
      );
      return exit;
    }
    const title = `${terminalText(check.name ?? file)}${check.version === null ? '' : ` (bundle v${check.version}${check.migratedFrom === null ? '' : `, migrated from v${check.migratedFrom}`})`}`;
    if (exit === exitCodes.ok) {
      io.out(`✔ ${title} is valid`);
      io.out(
        `  ${check.counts.connections} connections · ${check.counts.mappings} mappings · ${check.counts.flows} flows · ${check.samples.passed + check.samples.failed === 0 ? 'no sample records (exported without them)' : `samples ${check.samples.passed} passed`}`,
      );
      io.out(`  secret slots: ${terminalText(check.secretSlots.join(', ')) || 'none'}`);
      io.out(`  content hash: ${check.contentHash}`);
    } else {
      io.err(`✖ ${title} is not valid`);
      for (const problem of check.problems)
        io.err(
          `  ${problem.code}${problem.path ? ` at ${terminalText(problem.path)}` : ''}: ${terminalText(redact(problem.message))}`,
        );
      if (secrets) io.err(`  E_SECRET_UNAVAILABLE: ${terminalText(redact(secrets))}`);
      if (check.samples.failed > 0) io.err(`  samples: ${check.samples.passed} passed, ${check.samples.failed} failed`);
    }
    for (const warning of check.warnings) io.err(`  note: ${terminalText(redact(warning))}`);
    return exit;
  },
};
