import type { SimulatorContext } from '../kit';
import { requestedModule, zohoError, type ZohoApiState } from './zoho-answers';
import { countConditions, CriteriaError, matches, parseCriteria, supportedComparator } from './zoho-criteria';
import type { ZohoModuleSpec } from './zoho-modules';
import { selectedFields, sorted } from './zoho-records';
import type { StoredRecord } from './zoho-store';

/** `GET /crm/v8/{module}/search` by criteria, e-mail, phone or word (at most 2,000 results). */

export function searchRecords(state: ZohoApiState, context: SimulatorContext, userId: string): void {
  void userId;
  const module = requestedModule(state, context);
  if (!module) return;
  const fields = selectedFields(state, context, module, false);
  if (fields === null) return;
  const criteriaText = context.query.get('criteria');
  const email = context.query.get('email');
  const phone = context.query.get('phone');
  const word = context.query.get('word');
  let predicate: (record: StoredRecord) => boolean;
  if (criteriaText) {
    let criteria;
    try {
      criteria = parseCriteria(criteriaText);
    } catch (error) {
      return zohoError(context, 400, 'INVALID_QUERY', 'invalid query formed', {
        reason: error instanceof CriteriaError ? error.message : 'criteria',
        param_name: 'criteria',
      });
    }
    if (countConditions(criteria) > 10)
      return zohoError(context, 400, 'LIMIT_EXCEEDED', 'the criteria limit exceeded', {
        limit: 10,
        param_name: 'criteria',
      });
    const problem = findProblem(criteria, module);
    if (problem) return zohoError(context, 400, 'INVALID_QUERY', 'invalid query formed', problem);
    predicate = (record) => matches(criteria, (field) => (field === 'id' ? record.id : record.values[field]));
  } else if (email || phone || word) {
    predicate = (record) =>
      Object.values(record.values).some(
        (value) =>
          typeof value === 'string' &&
          (value === email || value === phone || (word !== null && value.toLowerCase().includes(word.toLowerCase()))),
      );
  } else {
    return zohoError(context, 400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
      param_name: 'criteria',
      param: 'criteria',
    });
  }
  const perPage = Math.min(Number(context.query.get('per_page') ?? 200), 200);
  const page = Number(context.query.get('page') ?? 1);
  if (page * perPage > 2000)
    return zohoError(context, 400, 'LIMIT_REACHED', 'search results are limited to 2000 records', { limit: 2000 });
  const found = sorted(state.store.records(module.api).filter(predicate), { sortBy: 'id', sortOrder: 'asc' });
  const slice = found.slice((page - 1) * perPage, page * perPage);
  if (slice.length === 0) return context.empty(204);
  context.json(200, {
    data: slice.map((record) => state.store.view(module, record, fields)),
    info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < found.length },
  });
}

function findProblem(
  criteria: ReturnType<typeof parseCriteria>,
  module: ZohoModuleSpec,
): Record<string, unknown> | undefined {
  if (criteria.kind === 'group') return findProblem(criteria.left, module) ?? findProblem(criteria.right, module);
  if (!supportedComparator(criteria.comparator)) return { comparator: criteria.comparator, api_name: criteria.field };
  if (criteria.field !== 'id' && !module.fields.some((spec) => spec.api === criteria.field))
    return { api_name: criteria.field };
  return undefined;
}
