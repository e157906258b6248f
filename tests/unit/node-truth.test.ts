// Node truth: Electron 45 and its tooling need Node >= 22.12. package.json, .ci/run and the
// README must say the same, and no dependency may need more than package.json promises.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** The lowest version a plain ">= X.Y.Z" range allows (the forms our tooling uses). */
function floor(range: string): [number, number] {
  const lowest = range
    .split('||')
    .map((part) => /(\d+)\.(\d+)/.exec(part))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [Number(m[1]), Number(m[2])] as [number, number])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (!lowest[0]) throw new Error(`cannot read "${range}"`);
  // With alternatives ("^20.19 || >=22.12"), be strict: the highest lower bound.
  return lowest.at(-1) as [number, number];
}
const atLeast = (a: [number, number], b: [number, number]) =>
  a[0] > b[0] || (a[0] === b[0] && a[1] >= b[1]);

describe('Node truth', () => {
  const pkg = JSON.parse(read('package.json')) as { engines: { node: string } };
  const ours = floor(pkg.engines.node);

  it('package.json asks for at least what Electron 45 and its tooling need', () => {
    for (const dep of ['electron', '@electron/get', 'node-abi']) {
      // Read the file itself: some packages do not export ./package.json.
      const engines = (
        JSON.parse(read(`node_modules/${dep}/package.json`)) as { engines?: { node?: string } }
      ).engines;
      expect(
        atLeast(ours, floor(engines?.node ?? '>=0.0')),
        `${dep} needs ${String(engines?.node)}`,
      ).toBe(true);
    }
    expect(ours).toEqual([22, 12]);
  });

  it('.ci/run installs at least that Node where the machine is older', () => {
    const ci = read('.ci/run');
    const major = Number(/NODE_MIN_MAJOR=(\d+)/.exec(ci)?.[1]);
    const minor = Number(/NODE_MIN_MINOR=(\d+)/.exec(ci)?.[1]);
    expect([major, minor]).toEqual(ours);
  });

  it('the README says the same', () => {
    expect(read('README.md')).toContain(`Node.js ≥ ${String(ours[0])}.${String(ours[1])}`);
  });

  it('the tests run on such a Node', () => {
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    expect(atLeast([major, minor], ours)).toBe(true);
  });
});
