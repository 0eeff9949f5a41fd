import type { SystemId } from '../../../../shared/domain/connection';
import { systemSpec } from '../../../../shared/systems/catalog';

/** A small coloured monogram per system, drawn from its spec's mark (no logos bundled); sizes live in connections.css. */
export function SystemMark({ system, small }: { system: SystemId; small?: boolean }) {
  const { initials, background } = systemSpec(system).mark;
  // Longer monograms (D365) take a smaller font to fit the same square.
  const compact = initials.length > 2 ? ' compact' : '';
  return (
    <span
      className={`system-mark system-${system}${compact}${small ? ' small' : ''}`}
      style={{ background }}
      aria-hidden="true"
    >
      {initials}
    </span>
  );
}
