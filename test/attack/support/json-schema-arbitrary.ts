import fc from 'fast-check';
import type { JsonSchema } from './openapi-operations.js';

/** Strings an attacker tries: any unicode, control and zero-width characters, markup, long runs. */
export const hostileString = (maxLength = 64): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.constantFrom(
      '',
      ' ',
      '\u200b\u200b',
      '\u0000',
      '\u001b[31mred\u001b[0m',
      '\ud800',
      '<script>alert(1)</script>',
      "'; DROP TABLE rollouts; --",
      '../../etc/passwd',
      '%00',
      `$${'{'}jndi:ldap://x}`,
      'a'.repeat(5_000),
      '\u202e\u0644\u0627',
    ),
  );

/** Numbers at and past every edge a validator may miss. */
const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53, Number.MIN_VALUE, 0.1 + 0.2, 1e-7),
);

/**
 * Values shaped by a JSON Schema (from the served OpenAPI document), usually valid and often not:
 * required keys go missing, unknown keys appear, leaves get the wrong type.
 */
export function schemaArbitrary(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (schema === undefined || depth > 6) return fc.jsonValue({ maxDepth: 2 });
  const wrongType = fc.oneof(
    hostileNumber,
    hostileString(),
    fc.constant(null),
    fc.boolean(),
    fc.constant([]),
  );
  const exact = exactArbitrary(schema, depth);
  // Rarely wrong at each level: a payload of twenty fields must still be valid often enough to reach
  // the handlers behind the parser.
  return fc.oneof({ arbitrary: exact, weight: depth === 0 ? 4 : 30 }, { arbitrary: wrongType, weight: 1 });
}

function exactArbitrary(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => schemaArbitrary(s, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const props = Object.entries(schema.properties ?? {});
      const record = fc.record(
        Object.fromEntries(props.map(([k, s]) => [k, schemaArbitrary(s, depth + 1)])),
        {
          requiredKeys: schema.required ?? [],
        },
      );
      const extra =
        typeof schema.additionalProperties === 'object'
          ? fc.dictionary(hostileString(16), schemaArbitrary(schema.additionalProperties, depth + 1), {
              maxKeys: 4,
            })
          : fc.oneof(
              { arbitrary: fc.constant({}), weight: schema.additionalProperties === false ? 6 : 1 },
              {
                arbitrary: fc.dictionary(hostileString(8), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }),
                weight: 1,
              },
            );
      // Sometimes a required key is dropped: `requiredKeys` alone would never leave one out.
      const drop = fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 6 },
        { arbitrary: fc.constantFrom(...(schema.required ?? ['-'])), weight: 1 },
      );
      return fc.tuple(record, extra, drop).map(([r, e, d]) => {
        const value: Record<string, unknown> = { ...e, ...r };
        if (d !== undefined) delete value[d];
        return value;
      });
    }
    case 'array':
      return fc.array(schemaArbitrary(schema.items, depth + 1), { maxLength: 4 });
    case 'string':
      return fc.oneof(
        fc.stringMatching(/^[a-z][a-z0-9 -]{0,30}$/),
        hostileString(schema.maxLength === undefined ? 64 : Math.min(schema.maxLength + 2, 2_100)),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      );
    case 'integer':
      return fc.oneof(
        fc.integer({ min: schema.minimum ?? -10, max: schema.maximum ?? 10_000 }),
        fc.constantFrom(-1, 2 ** 31, 1.5),
      );
    case 'number':
      return hostileNumber;
    case 'boolean':
      return fc.boolean();
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Percent-encodes every UTF-8 byte (encodeURIComponent throws on a lone surrogate). */
export const percentEncode = (text: string): string =>
  [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

/** Query strings for a route: its documented parameters with hostile values, and unknown ones. */
export function queryArbitrary(params: Record<string, JsonSchema> | undefined): fc.Arbitrary<string> {
  const known = Object.keys(params ?? {});
  const key = known.length > 0 ? fc.oneof(fc.constantFrom(...known), hostileString(8)) : hostileString(8);
  const value = fc.oneof(
    hostileString(32),
    hostileNumber.map(String),
    fc.constantFrom('asc', 'desc', '-1', '1001', '1e3', 'NaN', '[]', '{}'),
  );
  const pair = fc.oneof(
    fc
      .tuple(key, value, fc.boolean())
      .map(([k, v, array]) => `${percentEncode(k)}${array ? '[]' : ''}=${percentEncode(v)}`),
    // Raw and malformed: bad escapes, nested brackets (qs), repeated keys.
    fc.constantFrom(
      '%',
      '%zz',
      '%E0%A4%A',
      'a[b][c][d][e][f]=1',
      'limit=1&limit=2',
      '__proto__[x]=1',
      '=',
      '&&',
    ),
  );
  return fc.array(pair, { maxLength: 4 }).map((pairs) => pairs.join('&'));
}
