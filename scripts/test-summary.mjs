// Adds up the JSON reports every suite wrote into one last line: "N passed, N failed".
// Usage: node scripts/test-summary.mjs [dir] [exit status of the test command]
// A test file that crashed (no tests counted), an unhandled error, a run that wrote no
// report, or a non-zero exit status that no report explains each count as one failure.
// Exits 1 when anything failed or when no test passed at all.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'test-results';
const status = Number(process.argv[3] ?? 0);
let passed = 0;
let failed = 0;
let skipped = 0;
const notes = [];

const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
for (const file of files) {
  let report;
  try {
    report = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  } catch (error) {
    failed += 1;
    notes.push(`${file}: unreadable report (${String(error)})`);
    continue;
  }
  if (typeof report.numPassedTests === 'number') {
    // vitest (jest-compatible JSON)
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    let crashed = 0;
    for (const suite of report.testResults ?? []) {
      const anyFailed = (suite.assertionResults ?? []).some((a) => a.status === 'failed');
      if (suite.status === 'failed' && !anyFailed) {
        // The file failed to load, or a hook failed before any test ran.
        crashed += 1;
        const why = String(suite.message ?? '').split('\n')[0];
        notes.push(`crashed: ${String(suite.name)}${why ? ` (${why})` : ''}`);
      }
    }
    failed += crashed;
    if (report.success === false && report.numFailedTests === 0 && crashed === 0) {
      failed += 1;
      notes.push(`${file}: the run failed outside any test (an unhandled error)`);
    }
  } else if (report.stats) {
    // Playwright JSON reporter
    passed += (report.stats.expected ?? 0) + (report.stats.flaky ?? 0);
    failed += report.stats.unexpected ?? 0;
    skipped += report.stats.skipped ?? 0;
  } else {
    failed += 1;
    notes.push(`${file}: not a test report`);
  }
}
if (files.length === 0) {
  failed += 1;
  notes.push(`no test report in ${dir}: typecheck, lint or build stopped the run, or it crashed`);
}
if (status !== 0 && failed === 0) {
  failed += 1;
  notes.push(`the test command exited with status ${String(status)} but no report shows a failure`);
}
for (const note of notes) console.log(note);
if (skipped > 0) console.log(`${String(skipped)} skipped`);
console.log(`${String(passed)} passed, ${String(failed)} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
