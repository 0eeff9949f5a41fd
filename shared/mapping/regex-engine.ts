import { RE2JS } from 're2js';

/**
 * A linear-time stand-in for `RegExp`, handed to jsonata as its `RegexEngine`.
 *
 * JSONata runs a regex inside one evaluation step, so its own time box never interrupts a
 * backtracking `RegExp`: `$match(s, /(a+)+$/)` on 30 characters runs for minutes. RE2 matches in
 * time proportional to the input, whatever the pattern.
 *
 * jsonata (2.2.x, `evaluateRegex`) builds one engine per evaluation as `new RegexEngine(regexp)`,
 * where `regexp` is the native `RegExp` its tokenizer made (flags always include `g`), then sets
 * `lastIndex` and calls `exec` repeatedly, reading `match[0]`, `match[i]`, `match.index` and the
 * new `lastIndex`. `$match`, `$replace`, `$split` and `$contains` all go through that closure, so
 * this is the whole surface needed; it follows `RegExp.prototype.exec` for global patterns.
 *
 * Features RE2 cannot run in linear time (backreferences, lookaround) are refused with a message
 * naming the feature, never silently matched differently.
 */
export class LinearRegExp {
  lastIndex = 0;
  readonly source: string;
  readonly flags: string;
  readonly global: boolean;
  private readonly compiled: RE2JS;

  constructor(pattern: RegExp | string, flags?: string) {
    this.source = typeof pattern === 'string' ? pattern : pattern.source;
    this.flags = flags ?? (typeof pattern === 'string' ? '' : pattern.flags);
    this.global = this.flags.includes('g') || this.flags.includes('y');
    const unsupported = unsupportedFeature(this.source);
    if (unsupported)
      throw new UnsupportedRegexError(
        `/${this.source}/ uses ${unsupported}, which the linear-time regex engine does not support. Rewrite it without ${unsupported}.`,
      );
    let re2Flags = 0;
    if (this.flags.includes('i')) re2Flags |= RE2JS.CASE_INSENSITIVE;
    if (this.flags.includes('m')) re2Flags |= RE2JS.MULTILINE;
    if (this.flags.includes('s')) re2Flags |= RE2JS.DOTALL;
    try {
      // translateRegExp turns JS-only spellings (named groups `(?<n>…)`, `\u{…}`) into RE2's.
      this.compiled = RE2JS.compile(RE2JS.translateRegExp(this.source), re2Flags);
    } catch (error) {
      const reason = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
      throw new UnsupportedRegexError(`/${this.source}/ cannot be used: ${reason}.`);
    }
  }

  exec(input: string): RegExpExecArray | null {
    const text = String(input);
    const from = this.global ? this.lastIndex : 0;
    if (from > text.length) {
      this.lastIndex = 0;
      return null;
    }
    const matcher = this.compiled.matcher(text);
    if (!matcher.find(from)) {
      if (this.global) this.lastIndex = 0;
      return null;
    }
    const groups: (string | undefined)[] = [];
    for (let group = 0; group <= matcher.groupCount(); group += 1) groups.push(matcher.group(group) ?? undefined);
    const result = Object.assign(groups, {
      index: matcher.start(),
      input: text,
      groups: undefined,
    }) as unknown as RegExpExecArray;
    if (this.global) this.lastIndex = matcher.end();
    return result;
  }

  test(input: string): boolean {
    return this.exec(input) !== null;
  }

  toString(): string {
    return `/${this.source}/${this.flags}`;
  }
}

/** Thrown for patterns RE2 refuses; jsonata passes it through and evaluate.ts reports its message. */
export class UnsupportedRegexError extends Error {
  constructor(message: string) {
    super(`The regular expression ${message}`);
    this.name = 'UnsupportedRegexError';
  }
}

/** The first construct in `source` that needs backtracking, in words, or undefined. */
export function unsupportedFeature(source: string): string | undefined {
  let inClass = false;
  for (let index = 0; index < source.length; index += 1) {
    const char = source[index];
    if (char === '\\') {
      const next = source[index + 1] ?? '';
      if (!inClass && /[1-9]/.test(next)) return `a backreference (\\${next})`;
      if (!inClass && next === 'k' && source[index + 2] === '<') return 'a named backreference (\\k<…>)';
      index += 1;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      continue;
    }
    if (char === '[') {
      inClass = true;
      // A `]` right after `[` or `[^` is literal in some dialects; JS treats `[]` as empty, so no skip.
      continue;
    }
    if (char === '(' && source[index + 1] === '?') {
      const rest = source.slice(index + 2, index + 4);
      if (rest.startsWith('=')) return 'a lookahead (?=…)';
      if (rest.startsWith('!')) return 'a negative lookahead (?!…)';
      if (rest === '<=') return 'a lookbehind (?<=…)';
      if (rest === '<!') return 'a negative lookbehind (?<!…)';
    }
  }
  return undefined;
}
