import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take a minute or more (child processes killed and restarted, the CLI's subprocesses), in the
 * order they should start. Vitest runs the longest files first when it has timings from an earlier run, but a clean
 * checkout (CI) has none: it then starts files in glob order, and a 90-second chaos test starting last made the
 * suite two minutes longer than it is with that test running beside the short ones.
 */
const LONG_FILES = [
  'test/faults/campaign-chaos.int.test.ts',
  'test/cli.int.test.ts',
  'test/faults/crash-dispatch.int.test.ts',
  'test/faults/two-workers.int.test.ts',
  'test/faults/embedded-lock.int.test.ts',
  'test/faults/crash-ingest.int.test.ts',
];

function rank(spec: TestSpecification): number {
  const i = LONG_FILES.findIndex((f) => spec.moduleId.endsWith(f));
  return i === -1 ? LONG_FILES.length : i;
}

/** Vitest's order, with the known long files first. */
export default class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return sorted
      .map((spec, i) => ({ spec, i }))
      .sort((a, b) => rank(a.spec) - rank(b.spec) || a.i - b.i)
      .map(({ spec }) => spec);
  }
}
