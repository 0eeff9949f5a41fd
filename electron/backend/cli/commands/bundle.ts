import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bundleFormat, bundleVersion } from '../../../../shared/bundle/bundle.schema';
import { stableHash } from '../../../../shared/hash';
import { validateBundleText } from '../../bundle/bundle-check';
import { contentHashOf } from '../../bundle/bundle-hash';
import { redact } from '../../util/redact';
import { exitCodes, type Command } from '../command';
import { terminalText } from '../terminal-text';

const usage = `mlc bundle seal FILE

  After a reviewed hand edit of a bundle (in git, say): recomputes each
  mapping's hash from its expression and the bundle's contentHash, then checks
  the result exactly as \`mlc validate\` does (no secret, mappings compile and
  match their graphs, flows, schedules, samples). Writes the file only when it
  is valid, keeping its formatting (two-space JSON); otherwise prints the
  problems and leaves the file as it was.

  Only current-version bundles are sealed; re-export older ones from Studio.

  Exit codes: 0 sealed (or already sealed), 3 invalid (nothing written).`;

export const bundleCommand: Command = {
  name: 'bundle',
  summary: 'Bundle files in git: `mlc bundle seal FILE` re-hashes a reviewed hand edit after validating it.',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { help: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    const [action, file] = positionals;
    if (values.help || action !== 'seal' || !file || positionals.length > 2) {
      (values.help ? io.out : io.err)(usage);
      return values.help ? exitCodes.ok : exitCodes.usage;
    }
    const shown = terminalText(file);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      io.err(`mlc bundle seal: cannot read ${shown}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}.`);
      return exitCodes.invalid;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (error) {
      io.err(`✖ ${shown} is not JSON: ${terminalText((error as Error).message)}`);
      return exitCodes.invalid;
    }
    if (
      !raw ||
      typeof raw !== 'object' ||
      Array.isArray(raw) ||
      (raw as { format?: unknown }).format !== bundleFormat
    ) {
      io.err(`✖ ${shown} is not an ml-connector bundle (format "${bundleFormat}").`);
      return exitCodes.invalid;
    }
    const bundle = raw as Record<string, unknown>;
    if (bundle.version !== bundleVersion) {
      io.err(
        `✖ ${shown} is bundle version ${JSON.stringify(bundle.version ?? null)}; seal reads version ${bundleVersion} only. Import it into Studio and export it again.`,
      );
      return exitCodes.invalid;
    }
    const before = bundle.contentHash;
    // Mapping hashes first (they are part of the content), then the bundle's own.
    const mappings = Array.isArray(bundle.mappings) ? (bundle.mappings as unknown[]) : [];
    const resealedMappings = mappings.map((mapping) =>
      mapping && typeof mapping === 'object' && typeof (mapping as { expression?: unknown }).expression === 'string'
        ? { ...mapping, hash: stableHash((mapping as { expression: string }).expression) }
        : mapping,
    );
    const withMappings = Array.isArray(bundle.mappings) ? { ...bundle, mappings: resealedMappings } : bundle;
    const sealed = { ...withMappings, contentHash: contentHashOf(withMappings) };
    const sealedText = `${JSON.stringify(sealed, null, 2)}\n`;
    const { check } = await validateBundleText(sealedText);
    if (!check.ok) {
      io.err(`✖ ${shown} was not sealed: the edited bundle is not valid`);
      for (const problem of check.problems)
        io.err(
          `  ${problem.code}${problem.path ? ` at ${terminalText(problem.path)}` : ''}: ${terminalText(redact(problem.message))}`,
        );
      return exitCodes.invalid;
    }
    if (sealedText === text) {
      io.out(`✔ ${shown} is already sealed (${String(before)})`);
      return exitCodes.ok;
    }
    // Written beside it, then renamed over it: an interrupted seal never leaves half a file.
    const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    fs.writeFileSync(temporary, sealedText, { mode: fs.statSync(file).mode & 0o777 });
    fs.renameSync(temporary, file);
    io.out(`✔ sealed ${shown}`);
    io.out(`  content hash: ${String(before)} → ${sealed.contentHash}`);
    for (const warning of check.warnings) io.err(`  note: ${terminalText(redact(warning))}`);
    return exitCodes.ok;
  },
};
