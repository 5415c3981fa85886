import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * The demo's staff: `user-1` .. `user-N`. The password of `user-K` is `user-K-pass` (see
 * `demoPassword`), so the traffic generator and people trying the demo can log in.
 */
export function demoPassword(userId: string): string {
  return `${userId}-pass`;
}

export function demoUserIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `user-${i + 1}`);
}

interface StoredPassword {
  salt: Buffer;
  hash: Buffer;
}

const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export interface UserDirectoryOptions {
  /** Number of users; default 2000. */
  users?: number;
  /**
   * scrypt cost N. Deliberately low by default (128) so 2000 users hash in about a second on a
   * small machine; a real service would use 2^15 or more. Must be a power of two.
   */
  scryptCost?: number;
}

/** Users and their salted scrypt password hashes; only hashes are kept. */
export class UserDirectory {
  private constructor(
    private readonly passwords: ReadonlyMap<string, StoredPassword>,
    private readonly scryptOptions: ScryptOptions,
  ) {}

  static async create(options: UserDirectoryOptions = {}): Promise<UserDirectory> {
    const count = options.users ?? 2000;
    if (!Number.isInteger(count) || count < 1)
      throw new RangeError(`users must be an integer >= 1, got ${count}`);
    const scryptOptions: ScryptOptions = { N: options.scryptCost ?? 128, r: 8, p: 1 };
    const entries = await Promise.all(
      demoUserIds(count).map(async (id): Promise<[string, StoredPassword]> => {
        const salt = randomBytes(16);
        return [id, { salt, hash: await scryptAsync(demoPassword(id), salt, scryptOptions) }];
      }),
    );
    return new UserDirectory(new Map(entries), scryptOptions);
  }

  get size(): number {
    return this.passwords.size;
  }

  has(userId: string): boolean {
    return this.passwords.has(userId);
  }

  /** True when the user exists and the password matches; unknown users cost a hash too. */
  async verify(userId: string, password: string): Promise<boolean> {
    const stored = this.passwords.get(userId);
    const salt = stored?.salt ?? randomBytes(16);
    const hash = await scryptAsync(password, salt, this.scryptOptions);
    return stored !== undefined && timingSafeEqual(hash, stored.hash);
  }
}
