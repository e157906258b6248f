import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CameraFile } from '../../src/main/services/cameras/camera-file';
import {
  CameraRegistry,
  type CameraRegistryOptions,
} from '../../src/main/services/cameras/camera-registry';
import { createMemorySecretStore } from '../../src/main/services/cameras/secret-store';

/** A loaded registry over a fresh temp folder and an in-memory secret store. */
export async function createTempRegistry(
  options: Partial<CameraRegistryOptions> = {},
): Promise<CameraRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-registry-'));
  const registry = new CameraRegistry({
    file: new CameraFile(join(dir, 'cameras.json')),
    secrets: createMemorySecretStore(),
    emit: () => undefined,
    ...options,
  });
  await registry.load();
  return registry;
}
