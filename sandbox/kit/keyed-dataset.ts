/**
 * A virtual table of `count` records whose key and base modification stamp are pure
 * functions of the record's index, plus a small overlay of modifications. Nothing is
 * materialised: key ranges and "modified since" windows are answered by binary search over
 * the index (keys strictly increase with it, base stamps never decrease) and by scanning
 * the overlay, so a million-record table costs a few bytes per *modified* record.
 */
export interface KeyedDatasetOptions {
  count: number;
  /** Strictly increasing in index (fixed-width keys do this). */
  key(index: number): string;
  /** Non-decreasing in index, epoch milliseconds. */
  baseStamp(index: number): number;
}

export interface DatasetScan {
  fromKey?: string;
  /** Default true: the start key itself is included (M3 list transactions behave so). */
  fromInclusive?: boolean;
  toKey?: string;
  toInclusive?: boolean;
  stampFrom?: number;
  stampFromInclusive?: boolean;
  stampTo?: number;
  stampToInclusive?: boolean;
  /** Default 'key'. 'stamp' orders by (stamp, key). */
  order?: 'key' | 'stamp';
  descending?: boolean;
}

interface Modification {
  stamp: number;
  version: number;
}

export class KeyedDataset {
  readonly count: number;
  private readonly overlay = new Map<number, Modification>();
  private sortedByIndex: number[] | null = null;
  /**
   * Records created after the fact (a simulator's insert): index `count + i` holds `inserted[i]`.
   * Their keys need not follow the key function, so ranges and order compare them by key.
   */
  private readonly inserted: string[] = [];
  private readonly insertedByKey = new Map<string, number>();

  constructor(private readonly options: KeyedDatasetOptions) {
    this.count = Math.max(0, Math.floor(options.count));
  }

  key(index: number): string {
    return index >= this.count ? (this.inserted[index - this.count] as string) : this.options.key(index);
  }

  /** Records the dataset holds: the generated ones plus the inserted ones. */
  get size(): number {
    return this.count + this.inserted.length;
  }

  /** Adds a record with a key that no record has (callers check `indexOf` first); returns its index. */
  insert(key: string, stamp: number): number {
    if (this.indexOf(key) !== undefined) throw new Error(`The dataset already has a record "${key}"`);
    const index = this.count + this.inserted.length;
    this.inserted.push(key);
    this.insertedByKey.set(key, index);
    // Version 0: a new record, as generated records start; `modify` counts changes from here.
    this.overlay.set(index, { stamp, version: 0 });
    this.sortedByIndex = null;
    return index;
  }

  /** First index whose key is >= `key` (count when none). */
  lowerBound(key: string): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.options.key(middle) < key) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  indexOf(key: string): number | undefined {
    const index = this.lowerBound(key);
    if (index < this.count && this.options.key(index) === key) return index;
    return this.insertedByKey.get(key);
  }

  stamp(index: number): number {
    return this.overlay.get(index)?.stamp ?? this.options.baseStamp(index);
  }

  /** 0 for an untouched record; +1 per modification (generators derive changed fields from it). */
  version(index: number): number {
    return this.overlay.get(index)?.version ?? 0;
  }

  get overlaySize(): number {
    return this.overlay.size;
  }

  modify(indexes: Iterable<number>, stamp: number): number[] {
    const done: number[] = [];
    for (const index of indexes) {
      if (!Number.isInteger(index) || index < 0 || index >= this.size) continue;
      this.overlay.set(index, { stamp, version: this.version(index) + 1 });
      done.push(index);
    }
    this.sortedByIndex = null;
    return done;
  }

  clearModifications(): void {
    this.overlay.clear();
    this.inserted.length = 0;
    this.insertedByKey.clear();
    this.sortedByIndex = null;
  }

  /** Indexes matching the window, in key or stamp order, lazily. */
  *scan(scan: DatasetScan = {}): Generator<number> {
    let first = scan.fromKey === undefined ? 0 : this.lowerBound(scan.fromKey);
    if (
      scan.fromKey !== undefined &&
      scan.fromInclusive === false &&
      first < this.count &&
      this.key(first) === scan.fromKey
    )
      first += 1;
    let end = this.count;
    if (scan.toKey !== undefined) {
      end = this.lowerBound(scan.toKey);
      if (scan.toInclusive !== false && end < this.count && this.key(end) === scan.toKey) end += 1;
    }
    const fromInclusive = scan.stampFromInclusive !== false;
    const toInclusive = scan.stampToInclusive !== false;
    const inWindow = (stamp: number) =>
      (scan.stampFrom === undefined || (fromInclusive ? stamp >= scan.stampFrom : stamp > scan.stampFrom)) &&
      (scan.stampTo === undefined || (toInclusive ? stamp <= scan.stampTo : stamp < scan.stampTo));
    const baseFirst = Math.max(
      first,
      scan.stampFrom === undefined
        ? 0
        : this.firstBaseIndex((stamp) => (fromInclusive ? stamp >= scan.stampFrom! : stamp > scan.stampFrom!)),
    );
    const baseEnd = Math.min(
      end,
      scan.stampTo === undefined
        ? this.count
        : this.firstBaseIndex((stamp) => (toInclusive ? stamp > scan.stampTo! : stamp >= scan.stampTo!)),
    );

    // Generated records: the index range is the key range. Inserted ones: compare their keys.
    const inKeyRange = (index: number) => {
      if (index < this.count) return index >= first && index < end;
      const key = this.key(index);
      if (scan.fromKey !== undefined && (scan.fromInclusive === false ? key <= scan.fromKey : key < scan.fromKey))
        return false;
      if (scan.toKey !== undefined && (scan.toInclusive === false ? key >= scan.toKey : key > scan.toKey)) return false;
      return true;
    };
    const keyBefore = (left: number, right: number) =>
      left < this.count && right < this.count ? left < right : this.key(left) < this.key(right);
    const overlaid = this.sortedOverlay().filter((index) => inKeyRange(index) && inWindow(this.stamp(index)));
    const byStamp = scan.order === 'stamp';
    if (byStamp)
      overlaid.sort(
        (left, right) => this.stamp(left) - this.stamp(right) || (keyBefore(left, right) ? -1 : left === right ? 0 : 1),
      );
    // Both streams are sorted by the same order: base indexes ascend in key and in stamp.
    const before = (left: number, right: number) =>
      byStamp
        ? this.stamp(left) < this.stamp(right) || (this.stamp(left) === this.stamp(right) && keyBefore(left, right))
        : keyBefore(left, right);

    if (scan.descending) {
      let cursor = baseEnd - 1;
      let pointer = overlaid.length - 1;
      while (true) {
        while (cursor >= baseFirst && this.overlay.has(cursor)) cursor -= 1;
        const base = cursor >= baseFirst ? cursor : undefined;
        const extra = pointer >= 0 ? overlaid[pointer] : undefined;
        if (base === undefined && extra === undefined) return;
        if (extra !== undefined && (base === undefined || before(base, extra))) {
          yield extra;
          pointer -= 1;
        } else {
          yield base as number;
          cursor -= 1;
        }
      }
    }
    let cursor = baseFirst;
    let pointer = 0;
    while (true) {
      while (cursor < baseEnd && this.overlay.has(cursor)) cursor += 1;
      const base = cursor < baseEnd ? cursor : undefined;
      const extra = pointer < overlaid.length ? overlaid[pointer] : undefined;
      if (base === undefined && extra === undefined) return;
      if (extra !== undefined && (base === undefined || before(extra, base))) {
        yield extra;
        pointer += 1;
      } else {
        yield base as number;
        cursor += 1;
      }
    }
  }

  private sortedOverlay(): number[] {
    // Key order; generated records' keys ascend with their index, so only inserted keys are compared.
    this.sortedByIndex ??= [...this.overlay.keys()].sort((left, right) => {
      if (left < this.count && right < this.count) return left - right;
      const a = this.key(left);
      const b = this.key(right);
      return a < b ? -1 : a > b ? 1 : 0;
    });
    return [...this.sortedByIndex];
  }

  /** First index whose base stamp satisfies a predicate that is monotonic in index. */
  private firstBaseIndex(predicate: (stamp: number) => boolean): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (predicate(this.options.baseStamp(middle))) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}
