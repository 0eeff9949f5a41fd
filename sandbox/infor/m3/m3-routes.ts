import type { SimulatorContext } from '../../kit';
import type { InforData } from '../data/records';
import type { BehaviourHolder, InforBehaviour } from '../behaviour';
import { padValue } from './m3-tables';
import { isM3Date, isM3Number } from './m3-write';
import { runPurchaseJobs } from './m3-purchase-write';
import {
  findTransaction,
  isProgram,
  type M3Failure,
  type M3Field,
  type M3Session,
  type M3Transaction,
} from './m3-transactions';

/**
 * M3 MI REST v1 and v2 (`/M3/m3api-rest/[v2/]execute/{PGM}/{TRN}[;matrix]?FIELD=v`).
 * Fault effects read here: `m3ErrorAfterRows: N` (v1 `ErrorMessage` after N rows, v2 a
 * failed result after N records), `m3Failure: 'nok' | 'http400' | 'bare400'`, and
 * `m3LostAnswer: status` (the transaction runs — a write is committed — but the gateway answers that
 * status instead, as when ION times out on a slow M3: a client that retries writes twice).
 */
export interface M3Options {
  /** `maxrecs=0` answers at most this many rows; beyond that the gateway times out (504), as a huge M3 list would. */
  maxRowsPerCall: number;
  /** The sandbox clock (write stamps); default the wall clock. */
  now?: () => number;
}

const reserved = new Set([
  'maxrecs',
  'returncols',
  'righttrim',
  'excludempty',
  'excludeempty',
  'cono',
  'divi',
  'metadata',
  'dateformat',
  'format',
  'extendedresult',
  '_rid',
]);

interface Call {
  version: 1 | 2;
  program: string;
  transactionName: string;
  transaction?: M3Transaction;
  input: Record<string, string>;
  maxrecs: number;
  returncols?: string[];
  rightTrim: boolean;
  excludeEmpty: boolean;
  metadata: boolean;
  cono?: string;
  divi?: string;
}

function parseCall(context: SimulatorContext, version: 1 | 2): Call {
  const [transactionName = '', ...matrix] = (context.params.transaction ?? '').split(';');
  const options = new Map<string, string>();
  for (const part of matrix) {
    const [name = '', value = ''] = part.split('=');
    options.set(name.toLowerCase(), value);
  }
  const input: Record<string, string> = {};
  for (const [name, value] of context.query) {
    if (reserved.has(name.toLowerCase())) options.set(name.toLowerCase(), value);
    else input[name.toUpperCase()] = value;
  }
  const program = (context.params.program ?? '').toUpperCase();
  const maxrecs = Number(options.get('maxrecs') ?? '100');
  return {
    version,
    program,
    transactionName,
    transaction: findTransaction(program, transactionName),
    input,
    maxrecs: Number.isInteger(maxrecs) && maxrecs >= 0 ? maxrecs : 100,
    returncols: options
      .get('returncols')
      ?.split(',')
      .map((name) => name.trim().toUpperCase())
      .filter(Boolean),
    rightTrim: options.get('righttrim') === 'true',
    excludeEmpty: (options.get('excludeempty') ?? options.get('excludempty')) === 'true',
    metadata: options.get('metadata') !== 'false',
    cono: options.get('cono')?.trim() || undefined,
    divi: options.get('divi')?.trim() || undefined,
  };
}

function validate(call: Call, tenant: InforBehaviour): M3Failure | undefined {
  const transaction = call.transaction;
  if (!transaction) {
    return {
      type: 'TransactionNotFound',
      code: '',
      field: '',
      message: isProgram(call.program)
        ? `Transaction ${call.transactionName} does not exist`
        : `Program ${call.program} does not exist`,
    };
  }
  for (const field of transaction.inputs) {
    const value = call.input[field.name];
    if (field.mandatory && !value?.trim())
      return {
        type: 'MandatoryInputFieldNotFound',
        code: '',
        field: field.name,
        message: `Field ${field.name} is mandatory`,
      };
    if (value !== undefined && value.length > field.length)
      return { type: 'InputFieldTooLong', code: '', field: field.name, message: `Field ${field.name} is too long` };
  }
  // Writes: the kind of each value given (reads keep their old leniency). The wording is unconfirmed.
  if (transaction.write && tenant.m3WriteKindCheck === 'nok') {
    for (const field of transaction.inputs) {
      const value = call.input[field.name]?.trim();
      if (!value) continue;
      if (field.type === 'N' && !isM3Number(value))
        return nok(field.name, `Field ${field.name} must be numeric, "${value}" is not`);
      if (field.type === 'D' && !isM3Date(value))
        return nok(field.name, `Field ${field.name} must be a date yyyyMMdd, "${value}" is not`);
    }
  }
  return undefined;
}

const nok = (field: string, message: string): M3Failure => ({ type: 'ServerReturnedNOK', code: '', field, message });

/** The user's default company when a call names none; company 200 is a second, smaller company with its own rows. */
export const m3Companies = { '100': 'AAA', '200': 'BBB' } as const;

export function m3Handler(
  companies: Record<keyof typeof m3Companies, InforData>,
  options: M3Options,
  behaviour: BehaviourHolder,
  version: 1 | 2,
) {
  return (context: SimulatorContext) => {
    const call = parseCall(context, version);
    const tenant = behaviour.current;
    const effect = context.fault?.effect ?? {};
    const forced = effect.m3Failure as string | undefined;
    if (forced === 'bare400') return context.empty(400);
    if (forced === 'nok' || forced === 'http400') {
      const failure: M3Failure = {
        type: 'ServerReturnedNOK',
        code: 'CPF9898',
        field: 'RETT',
        message: 'Designed to fail!',
      };
      return forced === 'http400' && version === 2
        ? sendTopLevel400(context, failure)
        : sendFailure(context, call, failure);
    }
    const invalid = validate(call, tenant);
    if (invalid) {
      if (invalid.type === 'TransactionNotFound') {
        // U10: how a real tenant answers an unknown program/transaction is unconfirmed; default bare 400.
        if (tenant.m3UnknownTransaction === 'bare400') return context.empty(400);
        if (tenant.m3UnknownTransaction === 'typed400') return sendTopLevel400(context, invalid);
        return sendFailure(context, call, invalid);
      }
      if (version === 2) return sendTopLevel400(context, invalid);
      return sendFailure(context, call, invalid);
    }
    // Each call carries its own company (m3-odin sends ;cono= and ;divi=); without one, the user's default.
    const honoured = tenant.m3HonourCono && (call.program !== 'EXPORTMI' || tenant.m3ExportHonoursCono);
    const company = (honoured ? call.cono : undefined) ?? '100';
    if (!(company in m3Companies))
      return sendFailure(context, call, {
        type: 'ServerReturnedNOK',
        code: 'XAU0008',
        field: 'CONO',
        message: `Company ${company} is not authorized`,
      });
    const key = company as keyof typeof m3Companies;
    const session: M3Session = {
      data: companies[key],
      env: { company, division: m3Companies[key], stampForm: tenant.m3StampForm },
      behaviour: tenant,
      now: options.now ?? Date.now,
    };
    const transaction = call.transaction as M3Transaction;
    runPurchaseJobs(session, transaction.program);
    const result = transaction.run(session, call.input);
    if (typeof effect.m3LostAnswer === 'number') {
      // Writes have taken effect already: their runs change the data before answering.
      return context.text(effect.m3LostAnswer, 'Gateway Timeout');
    }
    if ('type' in result) return sendFailure(context, call, result as M3Failure);

    // U8: a capped tenant silently answers at most the cap, whatever maxrecs asked.
    const cap = tenant.m3MaxRecsCap;
    const asked = call.maxrecs === 0 ? (cap ?? options.maxRowsPerCall) : Math.min(call.maxrecs, cap ?? Infinity);
    const limit = (transaction.multi ? asked : 1) + (transaction.uncounted?.(call.input) ?? 0);
    const rows: Array<Record<string, string>> = [];
    for (const row of result as Iterable<Record<string, string>>) {
      if (rows.length >= limit) {
        if (call.maxrecs === 0 && cap === null) return context.text(504, 'Gateway Timeout');
        break;
      }
      rows.push(row);
    }
    const errorAfter = typeof effect.m3ErrorAfterRows === 'number' ? effect.m3ErrorAfterRows : undefined;
    const shown = errorAfter !== undefined ? rows.slice(0, errorAfter) : rows;
    const outputs = selectedOutputs(transaction, call.returncols);
    const records = shown.map((row) => formatRecord(row, outputs, call));
    const partial: M3Failure | undefined =
      errorAfter !== undefined
        ? {
            type: 'ServerReturnedNOK',
            code: 'CPF9898',
            field: 'RCNT',
            message: `Designed to fail! Record count was:'-${errorAfter}'`,
          }
        : undefined;
    if (version === 1) return sendV1(context, call, outputs, records, partial);
    return sendV2(context, call, records, partial);
  };
}

function selectedOutputs(transaction: M3Transaction, returncols: string[] | undefined): M3Field[] {
  if (!returncols?.length) return transaction.outputs;
  return transaction.outputs.filter((field) => returncols.includes(field.name));
}

function formatRecord(row: Record<string, string>, outputs: M3Field[], call: Call): Record<string, string> {
  const record: Record<string, string> = {};
  for (const field of outputs) {
    const value = row[field.name] ?? '';
    if (call.excludeEmpty && value.trim() === '') continue;
    record[field.name] = call.rightTrim ? value : padValue(field, value);
  }
  return record;
}

const padMessage = (message: string) => message.padEnd(132, ' ');

function sendFailure(context: SimulatorContext, call: Call, failure: M3Failure): void {
  if (call.version === 1) {
    context.json(200, {
      Message: padMessage(failure.message),
      '@type': failure.type,
      '@code': failure.code || null,
      '@cfg': null,
      '@field': failure.field ? failure.field.padEnd(10, ' ') : null,
    });
    return;
  }
  context.json(200, {
    results: [
      {
        transaction: call.transactionName,
        errorMessage: padMessage(failure.message),
        errorType: failure.type,
        errorCode: failure.code,
        errorField: failure.field,
        errorCfg: '',
        notProcessed: false,
        parameters: call.input,
        records: [],
      },
    ],
    wasTerminated: false,
    nrOfSuccessfullTransactions: 0,
    nrOfFailedTransactions: 1,
  });
}

function sendTopLevel400(context: SimulatorContext, failure: M3Failure): void {
  context.json(400, {
    errorMessage: padMessage(failure.message),
    errorType: failure.type,
    errorCode: failure.code,
    errorField: failure.field,
    errorCfg: '',
  });
}

function sendV1(
  context: SimulatorContext,
  call: Call,
  outputs: M3Field[],
  records: Array<Record<string, string>>,
  partial?: M3Failure,
): void {
  const body: Record<string, unknown> = { Program: call.program, Transaction: call.transactionName };
  if (call.metadata) {
    body.Metadata = {
      Field: outputs.map((field) => ({
        '@name': field.name,
        '@type': field.type,
        '@length': field.length,
        '@description': field.description,
      })),
    };
  }
  body.MIRecord = records.map((record, index) => ({
    NameValue: Object.entries(record).map(([Name, Value]) => ({ Name, Value })),
    RowIndex: index,
  }));
  if (partial) {
    body.ErrorMessage = {
      '@type': partial.type,
      '@code': partial.code,
      '@cfg': '97',
      '@field': partial.field.padEnd(10, ' '),
      Message: padMessage(partial.message),
    };
  }
  context.json(200, body);
}

function sendV2(
  context: SimulatorContext,
  call: Call,
  records: Array<Record<string, string>>,
  partial?: M3Failure,
): void {
  const result: Record<string, unknown> = { transaction: call.transactionName, records };
  if (partial) {
    Object.assign(result, {
      errorMessage: padMessage(partial.message),
      errorType: partial.type,
      errorCode: partial.code,
      errorField: partial.field,
      errorCfg: '97',
      notProcessed: false,
    });
  }
  context.json(200, {
    results: [result],
    wasTerminated: false,
    nrOfSuccessfullTransactions: partial ? 0 : 1,
    nrOfFailedTransactions: partial ? 1 : 0,
  });
}
