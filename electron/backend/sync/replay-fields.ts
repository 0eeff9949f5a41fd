import type { RecordAudit } from '../../../shared/domain/run';
import { AppError } from '../../../shared/errors';
import { sourceFieldsOf } from '../../../shared/mapping/source-fields';

/**
 * A record read narrowed to its mapping's fields (`RecordAudit.sourceFields`) holds nothing else: a
 * replay through a mapping that reads more would transform it as if those fields were empty. Such a
 * replay is refused, naming the first record and the fields it lacks, before anything is written.
 */
export function checkReplayFields(audits: RecordAudit[], expression: string): void {
  const needed = sourceFieldsOf(expression);
  for (const audit of audits) {
    const held = audit.sourceFields;
    if (!held) continue;
    const lacking = needed ? needed.filter((field) => !held.includes(field)) : undefined;
    if (lacking && lacking.length === 0) continue;
    const what = lacking ? `the fields ${lacking.join(', ')}` : 'every field of the record';
    throw new AppError(
      'E_REPLAY_FIELDS',
      `Record ${audit.sourceKey} (audit row ${audit.id}) was read with only the fields its mapping then used (${held.join(', ')}), but the mapping now reads ${what}. Nothing was replayed from it: run the flow again so the record is read anew, or replay with the original mapping.`,
      { auditId: audit.id, sourceKey: audit.sourceKey, lacking: lacking ?? null },
    );
  }
}
