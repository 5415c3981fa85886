/**
 * Units of work a parse did, counted when a caller passes one: a test checks that they grow
 * linearly with the input instead of timing the parser (keys were once located by a
 * scan of their whole mapping per issue, so 40,000 unknown keys took 81 s).
 */
export interface ParseWork {
  /** Mapping entries read to index keys or to find duplicate keys. */
  mapItems: number;
  /** Edit distances computed for did-you-mean suggestions. */
  editDistances: number;
}

export function newParseWork(): ParseWork {
  return { mapItems: 0, editDistances: 0 };
}
