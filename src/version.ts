import { readFileSync } from 'node:fs';

/** rampart's version, from package.json (read once; the file ships with the package). */
export const RAMPART_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
