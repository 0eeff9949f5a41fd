import { useEffect } from 'react';
import type { ConnectionId } from '../../../../shared/domain/connection';
import { schemaKey } from '../schemas/schemas.store';
import { schemasStore, useSchemas } from '../schemas/schemas.instance';
import type { FlowDraft } from './flow-draft';
import { ConflictRulesView } from './ConflictRulesView';

/** The flow form's conflict rules, offering the target schema's writable fields. */
export function ConflictRules({
  draft,
  patch,
  error,
}: {
  draft: Pick<FlowDraft, 'targetConnectionId' | 'targetEntity' | 'conflictDefault' | 'conflictFields'>;
  patch(next: Partial<FlowDraft>): void;
  error?: string;
}) {
  const { targetConnectionId: connectionId, targetEntity: entity } = draft;
  const schema = useSchemas((state) =>
    connectionId && entity ? state.schemas[schemaKey(connectionId, entity)] : undefined,
  );
  useEffect(() => {
    if (connectionId && entity) void schemasStore.getState().loadSchema(connectionId as ConnectionId, entity);
  }, [connectionId, entity]);
  const fields = (schema?.value?.fields ?? []).filter((field) => !field.readOnly).map((field) => field.name);
  return <ConflictRulesView draft={draft} patch={patch} error={error} fields={fields} />;
}
