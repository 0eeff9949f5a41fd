/**
 * Field paths as React Flow handle ids. A path is a list of segments; a segment marked `array`
 * is a list whose items hold the following segments (`lines[].ITNO`). Field names may contain
 * dots, brackets and backslashes, so those are escaped with a backslash inside a handle.
 */
export interface PathSegment {
  name: string;
  array: boolean;
}

export function encodePath(segments: readonly PathSegment[]): string {
  return segments
    .map((segment) => segment.name.replace(/[\\.[]/g, (char) => `\\${char}`) + (segment.array ? '[]' : ''))
    .join('.');
}

export function decodePath(handle: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let name = '';
  let array = false;
  for (let index = 0; index < handle.length; index += 1) {
    const char = handle[index] as string;
    if (char === '\\' && index + 1 < handle.length) {
      name += handle[index + 1];
      index += 1;
    } else if (char === '[' && handle[index + 1] === ']') {
      array = true;
      index += 1;
    } else if (char === '.') {
      segments.push({ name, array });
      name = '';
      array = false;
    } else {
      name += char;
    }
  }
  segments.push({ name, array });
  return segments;
}

/** The handle of the items of an array field: `lines` → `lines[]` prefix used by its members. */
export function itemPrefix(arrayHandle: string): PathSegment[] {
  const segments = decodePath(arrayHandle);
  const last = segments[segments.length - 1];
  if (last) last.array = true;
  return segments;
}

export function startsWithSegments(path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  if (prefix.length > path.length) return false;
  return prefix.every((segment, index) => {
    const other = path[index];
    return other !== undefined && other.name === segment.name && other.array === segment.array;
  });
}
