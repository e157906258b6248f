import { safeStorage } from 'electron';
import type { SecretStore } from './services/cameras/secret-store';

const SAFE = 'safe:';
const PLAIN = 'plain:';

/**
 * Camera passwords through the OS keychain (Keychain, DPAPI, libsecret/kwallet).
 * Where Linux has no keyring, Electron falls back to a fixed key ("basic_text"):
 * we still store, but report `plainText` so the UI can warn.
 */
export function createSafeStorageSecretStore(): SecretStore {
  const available = safeStorage.isEncryptionAvailable();
  const weak =
    process.platform === 'linux' &&
    available &&
    safeStorage.getSelectedStorageBackend() === 'basic_text';
  return {
    plainText: !available || weak,
    encrypt(plain) {
      if (!available) return PLAIN + Buffer.from(plain, 'utf8').toString('base64');
      return SAFE + safeStorage.encryptString(plain).toString('base64');
    },
    decrypt(cipher) {
      if (cipher.startsWith(PLAIN))
        return Buffer.from(cipher.slice(PLAIN.length), 'base64').toString('utf8');
      if (!cipher.startsWith(SAFE)) throw new Error('unknown secret format');
      return safeStorage.decryptString(Buffer.from(cipher.slice(SAFE.length), 'base64'));
    },
  };
}
