// Re-renders docs/benchmarks.md and .svg from docs/benchmarks.json (after editing report.ts),
// without measuring again: node --import tsx bench/render.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { chart, report, type Results } from './report';

const docs = new URL('../docs/', import.meta.url);
const results = JSON.parse(readFileSync(new URL('benchmarks.json', docs), 'utf8')) as Results;
writeFileSync(new URL('benchmarks.md', docs), report(results));
writeFileSync(new URL('benchmarks.svg', docs), chart(results));
console.log('docs/benchmarks.md and docs/benchmarks.svg re-rendered');
