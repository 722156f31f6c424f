import { parseOkastDate } from './okast-dates.js';
import { type OkastIngestEntry, OkastIngestEntrySchema, requestField } from './okast-schema.js';

/**
 * One listed ingest request. The list holds every ingest the instance ever took, so an entry is
 * only validated, and its dates only read, when a job looks at its file — then once, for every
 * job sharing the cached list.
 */
export class IndexedIngest {
  private parsedEntry: OkastIngestEntry | undefined;
  private requestInstant: Date | null | undefined;

  constructor(
    private readonly raw: object,
    /** Position in the vendor's list, for messages. */
    readonly position: number,
    private readonly timeZone: string,
  ) {}

  get entry(): OkastIngestEntry {
    if (!this.parsedEntry) {
      const parsed = OkastIngestEntrySchema.safeParse(this.raw);
      // Every field of the schema falls back to absent, so only a non-object could fail here.
      this.parsedEntry = parsed.success ? parsed.data : { request: {} };
    }
    return this.parsedEntry;
  }

  /** `requestTime` as an instant; undefined when it cannot be read (the entry cannot be time-matched). */
  get requestAt(): Date | undefined {
    if (this.requestInstant === undefined) {
      this.requestInstant = parseOkastDate(this.entry.requestTime, this.timeZone) ?? null;
    }
    return this.requestInstant ?? undefined;
  }
}

/** The whole status list of an instance, grouped by file so each job looks only at its own file. */
export interface OkastIngestIndex {
  /** Entries in the list, readable or not. */
  size: number;
  /** Entries without a `filePath` (Okast lists refused requests too): never anyone's job. */
  withoutFilePath: number;
  /** Items that are not objects at all. */
  unreadable: number;
  /** Keyed by {@link pathKey} of the `filePath`. */
  byFile: ReadonlyMap<string, readonly IndexedIngest[]>;
}

/**
 * The form a path is compared in. Okast echoes the URL it was given, but a page may echo it
 * re-encoded (`a b.mp4` / `a%20b.mp4`) or with another host case: an http(s) URL is compared as
 * the WHATWG parser writes it, anything else as trimmed text.
 *
 * @example pathKey(' https://Storage.example.com/a b.mp4 ') // 'https://storage.example.com/a%20b.mp4'
 */
export function pathKey(path: string): string {
  const trimmed = path.trim();
  if (!/^https?:\/\//i.test(trimmed)) return trimmed;
  try {
    return new URL(trimmed).href;
  } catch {
    return trimmed;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Groups the list by file in one pass, reading only the `filePath` of each entry (from its
 * `request`, or from the entry itself when a page flattens the echo).
 *
 * @example
 * const index = indexIngestList(items, 'Europe/Paris');
 * index.byFile.get(pathKey(filePath)) // the ingests of that file, in list order
 */
export function indexIngestList(items: readonly unknown[], timeZone: string): OkastIngestIndex {
  const byFile = new Map<string, IndexedIngest[]>();
  let withoutFilePath = 0;
  let unreadable = 0;
  items.forEach((item, position) => {
    if (!isObject(item)) {
      unreadable += 1;
      return;
    }
    const filePath = requestField(item, 'filePath');
    if (!filePath) {
      withoutFilePath += 1;
      return;
    }
    const key = pathKey(filePath);
    const indexed = new IndexedIngest(item, position, timeZone);
    const group = byFile.get(key);
    if (group) group.push(indexed);
    else byFile.set(key, [indexed]);
  });
  return { size: items.length, withoutFilePath, unreadable, byFile };
}
