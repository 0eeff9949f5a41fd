import type { BundleProblem } from '../../../../shared/api/bundles.contract';
import type { ErrorCode } from '../../../../shared/errors';

/** A problem kind in words: a headline and what the user can do about it. */
export interface Advice {
  title: string;
  action: string;
}

const advice: Partial<Record<ErrorCode, Advice>> = {
  E_BUNDLE_HASH: {
    title: 'The file was changed after it was exported',
    action:
      'Its content hash no longer matches, so nothing in it can be trusted. Export it again from the Studio that designed it, and move the file without editing it.',
  },
  E_BUNDLE_SECRET: {
    title: 'The file carries a secret',
    action:
      'Bundles never hold credentials. Remove the value from the file (or export again), then set the secret on the Connections screen after importing — or as MLC_SECRET_… on a server. Rotate that credential: it has been stored in a plain file.',
  },
  E_BUNDLE_VERSION: {
    title: 'This bundle format version cannot be read here',
    action:
      'A newer Studio made it: update ml-connector Studio. For an old preview file without a migration, export it again.',
  },
  E_BUNDLE_ENGINE: {
    title: 'The JSONata version does not fit',
    action:
      'The mappings were written for another JSONata release. Update ml-connector Studio, or export the bundle again from a Studio with a matching version.',
  },
  E_BUNDLE_SAMPLE: {
    title: 'Samples no longer give their expected output',
    action:
      'The mapping now produces something else for a record it was exported with (a hand edit or another engine). Open the mapping where it was designed, check the sample in the preview, and export again.',
  },
  E_BUNDLE_SECRET_MISSING: {
    title: 'A connection lacks a secret slot it needs',
    action:
      'Without that slot the connection could never sign in. Export the bundle again so every required slot is declared.',
  },
  E_MAPPING_COMPILE: {
    title: 'A mapping does not compile',
    action: 'Open the mapping in the Mapper where it was designed, fix the issue it shows, save and export again.',
  },
  E_SCHEDULE_INVALID: {
    title: 'A schedule is not valid',
    action: 'Fix the flow’s schedule on the Flows screen where it was designed, then export again.',
  },
  E_BUNDLE_INVALID: {
    title: 'The file is not a complete bundle',
    action:
      'Check that you picked a *.mlcbundle (or older *.mlcbundle.json) file exported by ml-connector Studio and that it was copied whole; otherwise export it again.',
  },
};

export function adviceFor(code: ErrorCode): Advice {
  return (
    advice[code] ?? { title: 'The bundle cannot be used', action: 'Export it again from the Studio that designed it.' }
  );
}

/** Problems grouped by kind, in the order they first appear, so advice is given once per kind. */
export function groupProblems(
  problems: BundleProblem[],
): Array<{ code: ErrorCode; advice: Advice; problems: BundleProblem[] }> {
  const groups = new Map<ErrorCode, BundleProblem[]>();
  for (const problem of problems) groups.set(problem.code, [...(groups.get(problem.code) ?? []), problem]);
  return [...groups.entries()].map(([code, items]) => ({ code, advice: adviceFor(code), problems: items }));
}
