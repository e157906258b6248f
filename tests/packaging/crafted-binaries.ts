// The first bytes of executables, as the loaders read them; enough for header checks.

/** An ELF header with the given e_machine (0x3E x86-64, 0xB7 aarch64). */
export function elfHeader(machine: number, bigEndian = false): Buffer {
  const buf = Buffer.alloc(64);
  buf.write('\x7fELF', 0, 'latin1');
  buf[4] = 2; // ELFCLASS64
  buf[5] = bigEndian ? 2 : 1;
  buf[6] = 1;
  if (bigEndian) buf.writeUInt16BE(machine, 18);
  else buf.writeUInt16LE(machine, 18);
  return buf;
}

/** A thin 64-bit Mach-O header with the given cputype (0x01000007 x86_64, 0x0100000C arm64). */
export function machOHeader(cputype: number, bigEndian = false): Buffer {
  const buf = Buffer.alloc(32);
  if (bigEndian) {
    buf.writeUInt32BE(0xfeedfacf, 0);
    buf.writeUInt32BE(cputype, 4);
  } else {
    buf.writeUInt32LE(0xfeedfacf, 0);
    buf.writeUInt32LE(cputype, 4);
  }
  return buf;
}

/** A universal (fat) Mach-O header listing one slice per cputype. */
export function fatMachOHeader(cputypes: number[]): Buffer {
  const buf = Buffer.alloc(8 + cputypes.length * 20);
  buf.writeUInt32BE(0xcafebabe, 0);
  buf.writeUInt32BE(cputypes.length, 4);
  cputypes.forEach((cpu, i) => buf.writeUInt32BE(cpu, 8 + i * 20));
  return buf;
}

/** A PE (MZ stub + "PE\0\0" + COFF header) with the given Machine (0x8664 x64, 0xAA64 arm64). */
export function peHeader(machine: number, peOffset = 0x80): Buffer {
  const buf = Buffer.alloc(peOffset + 24);
  buf.write('MZ', 0, 'latin1');
  buf.writeUInt32LE(peOffset, 0x3c);
  buf.write('PE\0\0', peOffset, 'latin1');
  buf.writeUInt16LE(machine, peOffset + 4);
  return buf;
}

export const ELF_X64 = 0x3e;
export const ELF_ARM64 = 0xb7;
export const MACHO_X64 = 0x01000007;
export const MACHO_ARM64 = 0x0100000c;
export const PE_X64 = 0x8664;
export const PE_ARM64 = 0xaa64;
