/** Architecture names as electron-builder spells them (builder-util's Arch). */
export type MachineName = 'x64' | 'arm64' | 'ia32' | 'armv7l' | `unknown (0x${string})`;

export interface BinaryHeader {
  format: 'elf' | 'macho' | 'pe';
  machines: MachineName[];
  /** A Mach-O universal (fat) file; machines lists its slices. */
  universal?: boolean;
}

export const HEADER_BYTES: number;
export function readBinaryHeader(buf: Buffer): BinaryHeader | null;
export function describeHeader(header: BinaryHeader | null): string;
export function describeTarget(platform: string, arch: string): string;
export function headerMismatch(
  header: BinaryHeader | null,
  platform: string,
  arch: string,
): string | null;
