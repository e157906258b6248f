import { closeSync, openSync, readSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HEADER_BYTES, headerMismatch, readBinaryHeader } from '../../scripts/binary-header.mjs';
import {
  ELF_ARM64,
  ELF_X64,
  MACHO_ARM64,
  MACHO_X64,
  PE_ARM64,
  PE_X64,
  elfHeader,
  fatMachOHeader,
  machOHeader,
  peHeader,
} from './crafted-binaries';

describe('readBinaryHeader', () => {
  it('reads the ELF e_machine, little- and big-endian', () => {
    expect(readBinaryHeader(elfHeader(ELF_X64))).toEqual({ format: 'elf', machines: ['x64'] });
    expect(readBinaryHeader(elfHeader(ELF_ARM64))).toEqual({ format: 'elf', machines: ['arm64'] });
    expect(readBinaryHeader(elfHeader(ELF_ARM64, true))).toEqual({
      format: 'elf',
      machines: ['arm64'],
    });
    expect(readBinaryHeader(elfHeader(0x08))?.machines).toEqual(['unknown (0x8)']);
  });

  it('reads the Mach-O cputype, thin and universal', () => {
    expect(readBinaryHeader(machOHeader(MACHO_X64))).toEqual({
      format: 'macho',
      machines: ['x64'],
    });
    expect(readBinaryHeader(machOHeader(MACHO_ARM64, true))).toEqual({
      format: 'macho',
      machines: ['arm64'],
    });
    expect(readBinaryHeader(fatMachOHeader([MACHO_X64, MACHO_ARM64]))).toEqual({
      format: 'macho',
      universal: true,
      machines: ['x64', 'arm64'],
    });
  });

  it('reads the PE Machine behind the MZ stub', () => {
    expect(readBinaryHeader(peHeader(PE_X64))).toEqual({ format: 'pe', machines: ['x64'] });
    expect(readBinaryHeader(peHeader(PE_ARM64, 0x400))).toEqual({
      format: 'pe',
      machines: ['arm64'],
    });
  });

  it('knows nothing of text, a Java class, a cut-off PE or an empty file', () => {
    expect(readBinaryHeader(Buffer.from('#!/bin/sh\nexit 0\n'))).toBeNull();
    // Java classes share the 0xCAFEBABE magic; the next word is a version, not a slice count.
    expect(readBinaryHeader(Buffer.from('cafebabe00000041', 'hex'))).toBeNull();
    expect(readBinaryHeader(peHeader(PE_X64, 0x400).subarray(0, 0x200))).toBeNull();
    expect(readBinaryHeader(Buffer.alloc(0))).toBeNull();
  });

  it("reads this machine's own node executable as this platform and arch", () => {
    const fd = openSync(process.execPath, 'r');
    const buf = Buffer.alloc(HEADER_BYTES);
    const read = readSync(fd, buf, 0, HEADER_BYTES, 0);
    closeSync(fd);
    const header = readBinaryHeader(buf.subarray(0, read));
    expect(headerMismatch(header, process.platform, process.arch)).toBeNull();
  });
});

describe('headerMismatch', () => {
  it('accepts the format and machine of the target', () => {
    expect(headerMismatch(readBinaryHeader(elfHeader(ELF_X64)), 'linux', 'x64')).toBeNull();
    expect(
      headerMismatch(readBinaryHeader(machOHeader(MACHO_ARM64)), 'darwin', 'arm64'),
    ).toBeNull();
    expect(headerMismatch(readBinaryHeader(machOHeader(MACHO_X64)), 'mas', 'x64')).toBeNull();
    expect(headerMismatch(readBinaryHeader(peHeader(PE_ARM64)), 'win32', 'arm64')).toBeNull();
  });

  it('accepts a universal Mach-O for either arch, and only a two-slice one for universal', () => {
    const fat = readBinaryHeader(fatMachOHeader([MACHO_X64, MACHO_ARM64]));
    expect(headerMismatch(fat, 'darwin', 'x64')).toBeNull();
    expect(headerMismatch(fat, 'darwin', 'universal')).toBeNull();
    expect(headerMismatch(readBinaryHeader(machOHeader(MACHO_X64)), 'darwin', 'universal')).toBe(
      'it is a Mach-O x86-64 executable, not a Mach-O x86-64 + arm64 executable',
    );
  });

  it('names what the binary is and what the target needs', () => {
    expect(headerMismatch(readBinaryHeader(elfHeader(ELF_ARM64)), 'linux', 'x64')).toBe(
      'it is an ELF arm64 (aarch64) executable, not an ELF x86-64 executable',
    );
    expect(headerMismatch(readBinaryHeader(machOHeader(MACHO_ARM64)), 'win32', 'x64')).toBe(
      'it is a Mach-O arm64 (aarch64) executable, not a PE (Windows) x86-64 executable',
    );
    expect(headerMismatch(readBinaryHeader(peHeader(PE_X64)), 'win32', 'arm64')).toMatch(
      /not a PE \(Windows\) arm64/,
    );
    expect(headerMismatch(null, 'linux', 'x64')).toMatch(/no ELF, Mach-O or PE header/);
  });
});
