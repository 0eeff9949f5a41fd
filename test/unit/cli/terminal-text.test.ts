import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { terminalText } from '../../../electron/backend/cli/terminal-text';

/** Any byte a terminal acts on: C0 (tab and newline included, printed lines stay one line), DEL, C1. */
// eslint-disable-next-line no-control-regex -- detecting control characters is the point
const anyControl = /[\u0000-\u001f\u007f-\u009f]/;

describe('terminalText', () => {
  it('removes a window-title sequence and a clear-screen sequence whole, keeping the name around them', () => {
    expect(terminalText('Accounts\u001b]0;pwned\u0007 sync\u001b[2J\u001b[H')).toBe('Accounts sync');
    expect(terminalText('a\u001b]2;title\u001b\\b')).toBe('ab');
    expect(terminalText('red \u001b[1;31malert\u001b[0m')).toBe('red alert');
  });

  it('removes the 8-bit (C1) forms, DCS/APC strings, unterminated strings and lone escapes', () => {
    expect(terminalText('x\u009b2Jy')).toBe('xy');
    expect(terminalText('x\u009d0;title\u009cy')).toBe('xy');
    expect(terminalText('x\u001bPq#0;2;0;0;0\u001b\\y')).toBe('xy');
    expect(terminalText('x\u001b_apc payload\u0007y')).toBe('xy');
    expect(terminalText('name\u001b]0;never terminated')).toBe('name');
    expect(terminalText('a\u001bcb\u001b(Bc\u001b')).toBe('abc');
  });

  it('turns line breaks and tabs into spaces and drops other control characters', () => {
    expect(terminalText('line one\nline two\r\n✔ forged\ttab')).toBe('line one line two ✔ forged tab');
    expect(terminalText('bell\u0007 null\u0000 del\u007f back\u0008space')).toBe('bell null del backspace');
  });

  it('leaves ordinary Unicode alone', () => {
    const text = 'Kunden → Zoho-Konten · Müller & Søn «東京» 🚀 café';
    expect(terminalText(text)).toBe(text);
  });

  it('never lets a control character through, whatever the input', () => {
    for (let code = 0; code < 0x100; code += 1) {
      for (const text of [
        String.fromCharCode(code),
        `\u001b${String.fromCharCode(code)}`,
        `\u001b[${String.fromCharCode(code)}`,
        `a${String.fromCharCode(code)}b\u001b]${String.fromCharCode(code)}`,
      ]) {
        expect(terminalText(text)).not.toMatch(anyControl);
      }
    }
  });

  it('for any text: no control character out, and text without any comes out unchanged', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => !anyControl.test(terminalText(text))));
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => anyControl.test(text) || terminalText(text) === text),
    );
  });
});
