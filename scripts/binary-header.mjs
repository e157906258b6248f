// Reads an executable's header (ELF, Mach-O thin or universal, PE) and says whether it fits
// an electron-builder target. Pure: it only looks at the bytes it is given.

/** How many leading bytes `readBinaryHeader` needs to see (PE headers can start late). */
export const HEADER_BYTES = 64 * 1024;

const ELF_MACHINES = { 0x03: 'ia32', 0x28: 'armv7l', 0x3e: 'x64', 0xb7: 'arm64' };
const MACHO_CPUS = { 0x07: 'ia32', 0x0c: 'armv7l', 0x01000007: 'x64', 0x0100000c: 'arm64' };
const PE_MACHINES = { 0x014c: 'ia32', 0x01c4: 'armv7l', 0x8664: 'x64', 0xaa64: 'arm64' };

const FORMAT_NAMES = { elf: 'ELF', macho: 'Mach-O', pe: 'PE (Windows)' };
const MACHINE_NAMES = {
  x64: 'x86-64',
  arm64: 'arm64 (aarch64)',
  ia32: 'x86 (32-bit)',
  armv7l: 'ARMv7',
};

/** The header format each electron-builder platform runs. */
const PLATFORM_FORMATS = { linux: 'elf', darwin: 'macho', mas: 'macho', win32: 'pe' };

function withArticle(words) {
  return `${/^[AEIOU]/.test(words) ? 'an' : 'a'} ${words}`;
}

function machineName(table, value) {
  return table[value] ?? `unknown (0x${value.toString(16)})`;
}

function readElf(buf) {
  if (buf.length < 20) return null;
  const littleEndian = buf[5] !== 2;
  const machine = littleEndian ? buf.readUInt16LE(18) : buf.readUInt16BE(18);
  return { format: 'elf', machines: [machineName(ELF_MACHINES, machine)] };
}

function readThinMachO(buf, littleEndian) {
  if (buf.length < 8) return null;
  const cpu = littleEndian ? buf.readUInt32LE(4) : buf.readUInt32BE(4);
  return { format: 'macho', machines: [machineName(MACHO_CPUS, cpu)] };
}

function readFatMachO(buf, entrySize) {
  const count = buf.readUInt32BE(4);
  // Java class files share 0xCAFEBABE; there this word is a version number (45 or more).
  if (count === 0 || count > 20 || buf.length < 8 + count * entrySize) return null;
  const machines = [];
  for (let i = 0; i < count; i++) {
    machines.push(machineName(MACHO_CPUS, buf.readUInt32BE(8 + i * entrySize)));
  }
  return { format: 'macho', universal: true, machines };
}

function readPe(buf) {
  if (buf.length < 0x40) return null;
  const peOffset = buf.readUInt32LE(0x3c);
  if (peOffset + 6 > buf.length || buf.toString('latin1', peOffset, peOffset + 4) !== 'PE\0\0') {
    return null;
  }
  return { format: 'pe', machines: [machineName(PE_MACHINES, buf.readUInt16LE(peOffset + 4))] };
}

/**
 * Identifies an executable from its first bytes: `{ format, machines, universal? }`, where
 * machines use electron-builder's arch names (x64, arm64, ia32, armv7l); null when unknown.
 */
export function readBinaryHeader(buf) {
  if (buf.length < 4) return null;
  const magic = buf.readUInt32BE(0);
  if (magic === 0x7f454c46) return readElf(buf);
  if (magic === 0xcffaedfe || magic === 0xcefaedfe) return readThinMachO(buf, true);
  if (magic === 0xfeedfacf || magic === 0xfeedface) return readThinMachO(buf, false);
  if (magic === 0xcafebabe) return readFatMachO(buf, 20);
  if (magic === 0xcafebabf) return readFatMachO(buf, 32);
  if (buf[0] === 0x4d && buf[1] === 0x5a) return readPe(buf);
  return null;
}

/** Human wording for a header, e.g. "an ELF arm64 (aarch64) executable". */
export function describeHeader(header) {
  if (!header) return 'not an executable Vigil knows (no ELF, Mach-O or PE header)';
  const machines = header.machines.map((m) => MACHINE_NAMES[m] ?? m).join(' + ');
  const kind = header.universal ? 'universal Mach-O' : FORMAT_NAMES[header.format];
  return withArticle(`${kind} ${machines} executable`);
}

/** What a target needs, e.g. "a Mach-O x86-64 executable". */
export function describeTarget(platform, arch) {
  const format = FORMAT_NAMES[PLATFORM_FORMATS[platform]] ?? platform;
  const machine = arch === 'universal' ? 'x86-64 + arm64' : (MACHINE_NAMES[arch] ?? arch);
  return withArticle(`${format} ${machine} executable`);
}

/**
 * Null when the header runs on the target (electron-builder platform and arch names), else
 * the reason it does not. A universal target needs both x64 and arm64 slices.
 */
export function headerMismatch(header, platform, arch) {
  const format = PLATFORM_FORMATS[platform];
  if (!format) return `no executable format is known for platform "${platform}"`;
  const wanted = arch === 'universal' && format === 'macho' ? ['x64', 'arm64'] : [arch];
  if (header && header.format === format && wanted.every((m) => header.machines.includes(m))) {
    return null;
  }
  return `it is ${describeHeader(header)}, not ${describeTarget(platform, arch)}`;
}
