/**
 * Text from outside (bundle, flow and connection names, error messages from remote systems)
 * made safe to print on a terminal: a name must never clear the screen, move the cursor, set
 * the window title or hide what follows it. JSON output needs none of this — JSON.stringify
 * escapes every C0 control character — so only human-readable lines go through here.
 *
 * - Escape sequences (ECMA-48) are removed whole: CSI (`ESC [ … final`), OSC/DCS/SOS/PM/APC
 *   strings up to their terminator (BEL or ST, or the end of the text when unterminated),
 *   two-character escapes, and their 8-bit C1 forms.
 * - Tabs and line breaks become one space: each printed item stays on its own line, so a
 *   name cannot forge a line of output.
 * - Every other C0, DEL or C1 character is removed. Ordinary Unicode (accents, CJK, emoji) stays.
 */
/* eslint-disable no-control-regex -- matching control characters is the point */
const stringSequence = /(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[^]*?(?:\u0007|\u001b\\|\u009c|$)/g;
const controlSequence = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?/g;
const shortEscape = /\u001b[ -/]*[0-~]?/g;
const lineBreak = /\r\n|[\t\n\v\f\r\u0085]/g;
const control = /[\u0000-\u001f\u007f-\u009f]/g;
/* eslint-enable no-control-regex */

export function terminalText(text: string): string {
  return text
    .replace(stringSequence, '')
    .replace(controlSequence, '')
    .replace(shortEscape, '')
    .replace(lineBreak, ' ')
    .replace(control, '');
}
