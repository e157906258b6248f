import { randomUUID } from 'node:crypto';

/** Encrypts camera passwords for the camera file. Electron's safeStorage in the app. */
export interface SecretStore {
  encrypt(plain: string): string;
  /** Throws when the ciphertext cannot be read (another machine or user, a lost keyring). */
  decrypt(cipher: string): string;
  /** True when the OS offers no protection and secrets are only obfuscated (Linux basic_text). */
  readonly plainText: boolean;
}

/**
 * Keeps secrets in memory and writes only random tokens: for tests and the browser
 * harness. Nothing it "encrypts" can be read back after the process ends.
 */
export function createMemorySecretStore(): SecretStore {
  const secrets = new Map<string, string>();
  return {
    plainText: false,
    encrypt(plain) {
      const token = `mem:${randomUUID()}`;
      secrets.set(token, plain);
      return token;
    },
    decrypt(cipher) {
      const plain = secrets.get(cipher);
      if (plain === undefined) throw new Error('unknown secret token');
      return plain;
    },
  };
}
