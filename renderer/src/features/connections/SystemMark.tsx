import type { SystemId } from '../../../../shared/domain/connection';

const marks: Record<SystemId, string> = { infor: 'In', zoho: 'Zo', salesforce: 'Sf', zendesk: 'Zd', dynamics: 'D365', cin7: 'C7' };

/** A small coloured monogram per system; colours live in connections.css (no logos bundled). */
export function SystemMark({ system, small }: { system: SystemId; small?: boolean }) {
  return (
    <span className={`system-mark system-${system}${small ? ' small' : ''}`} aria-hidden="true">
      {marks[system]}
    </span>
  );
}
