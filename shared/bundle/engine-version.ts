/**
 * Whether expressions written for one JSONata release run the same on another.
 * Same major, and the runtime at least as new as the bundle: a newer release
 * keeps the older one's behaviour, an older one may lack functions or fixes.
 */
export type EngineCompatibility = { ok: true; note?: string } | { ok: false; reason: string };

/** The oldest JSONata any bundle may run on (earlier releases have known security fixes missing). */
export const minimumJsonata = '2.2.2';

function parts(version: string): [number, number, number] | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

export function compareVersions(a: string, b: string): number {
  const left = parts(a) ?? [0, 0, 0];
  const right = parts(b) ?? [0, 0, 0];
  for (let index = 0; index < 3; index += 1) if (left[index] !== right[index]) return left[index]! - right[index]!;
  return 0;
}

export function engineCompatibility(bundleJsonata: string, runtimeJsonata: string): EngineCompatibility {
  const wanted = parts(bundleJsonata);
  const have = parts(runtimeJsonata);
  if (!wanted) return { ok: false, reason: `The bundle names an unreadable JSONata version “${bundleJsonata}”.` };
  if (!have) return { ok: false, reason: `This runtime's JSONata version “${runtimeJsonata}” is unreadable.` };
  if (compareVersions(runtimeJsonata, minimumJsonata) < 0) {
    return {
      ok: false,
      reason: `This runtime has JSONata ${runtimeJsonata}; at least ${minimumJsonata} is required. Update ml-connector Studio.`,
    };
  }
  if (wanted[0] !== have[0]) {
    return {
      ok: false,
      reason: `The bundle was made with JSONata ${bundleJsonata}; this runtime has ${runtimeJsonata} (another major version). Re-export it from a matching Studio.`,
    };
  }
  if (compareVersions(runtimeJsonata, bundleJsonata) < 0) {
    return {
      ok: false,
      reason: `The bundle needs JSONata ${bundleJsonata} or newer; this runtime has ${runtimeJsonata}. Update ml-connector Studio.`,
    };
  }
  return compareVersions(runtimeJsonata, bundleJsonata) > 0
    ? { ok: true, note: `Made with JSONata ${bundleJsonata}, running on ${runtimeJsonata}.` }
    : { ok: true };
}
