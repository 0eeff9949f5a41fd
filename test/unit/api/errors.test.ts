import { describe, expect, it } from 'vitest';
import { AppError, errorMessage, toErrorInfo } from '../../../shared/errors';

// Every boundary turns thrown things into ErrorInfo with these two helpers, so their output is the wire format.
describe('toErrorInfo and errorMessage', () => {
  it('keep an AppError whole: code, message and details', () => {
    expect(toErrorInfo(new AppError('E_NOT_FOUND', 'No such flow.'))).toEqual({
      code: 'E_NOT_FOUND',
      message: 'No such flow.',
    });
    expect(toErrorInfo(new AppError('E_CONFLICT', 'Taken.', { id: 'f1' }), 'E_MAPPING_EVAL')).toEqual({
      code: 'E_CONFLICT',
      message: 'Taken.',
      details: { id: 'f1' },
    });
  });

  it('give anything else the fallback code and its message, without the error name', () => {
    expect(toErrorInfo(new TypeError('x is not a function'))).toEqual({
      code: 'E_INTERNAL',
      message: 'x is not a function',
    });
    expect(toErrorInfo(new Error('boom'), 'E_MAPPING_EVAL')).toEqual({ code: 'E_MAPPING_EVAL', message: 'boom' });
    expect(toErrorInfo('plain text')).toEqual({ code: 'E_INTERNAL', message: 'plain text' });
    expect(errorMessage(undefined)).toBe('undefined');
    expect(errorMessage({ reason: 1 })).toBe('[object Object]');
  });

  it('read the message of what jsonata throws (plain objects), never "[object Object]"', () => {
    expect(errorMessage({ code: 'S0211', position: 7, token: '}', message: 'The symbol "}" cannot be used' })).toBe(
      'The symbol "}" cannot be used',
    );
    expect(errorMessage({ code: 'S0217', token: 'path' })).toBe('error S0217');
  });
});
