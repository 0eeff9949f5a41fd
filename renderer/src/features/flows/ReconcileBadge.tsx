import type { Flow } from '../../../../shared/domain/flow';
import { Badge } from '../../components/StateViews';

/** A reconcile flow's runs compare both sides instead of syncing (and fix, or only report). */
export function ReconcileBadge({ reconcile }: { reconcile: Flow['options']['reconcile'] }) {
  if (!reconcile) return null;
  return (
    <Badge
      tone="accent"
      testId="flow-reconcile"
      title={
        reconcile.fix
          ? 'Each run compares both sides and fixes differences in the target'
          : 'Each run compares both sides and reports differences (writes nothing)'
      }
    >
      {reconcile.fix ? 'reconcile · fixes' : 'reconcile · reports'}
    </Badge>
  );
}
