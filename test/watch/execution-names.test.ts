import { describe, expect, it } from 'vitest';
import {
  attemptOf,
  attemptOfExecutionName,
  executionOf,
  jobIdOfExecutionName,
  rootExecutionName,
} from '../../lib/watch/execution-names.js';

describe('execution names per watch attempt', () => {
  it('names attempt 1 after the job (or its parent-given name) and attempt n <jobId>-r<n>', () => {
    expect(rootExecutionName({ jobId: 'jw-1f' })).toBe('jw-1f');
    expect(
      rootExecutionName({ jobId: 'jw-1f', watch: { state: 'WATCHING', execution: 'parent-run-7' } }),
    ).toBe('parent-run-7');
    expect(
      rootExecutionName({ jobId: 'jw-1f', watch: { state: 'WATCHING', attempt: 3, execution: 'p' } }),
    ).toBe('jw-1f-r3');
    expect(attemptOf({ watch: { state: 'STOPPED' } })).toBe(1);
  });

  it('reads the job id and the attempt back from any execution of a watch', () => {
    expect(jobIdOfExecutionName('jw-1f')).toBe('jw-1f');
    expect(jobIdOfExecutionName('jw-1f-c2')).toBe('jw-1f');
    expect(jobIdOfExecutionName('jw-1f-r2-c4')).toBe('jw-1f');
    expect(jobIdOfExecutionName('jw-continuation-test-r12')).toBe('jw-continuation-test');
    expect(attemptOfExecutionName('jw-1f-c2')).toBe(1);
    expect(attemptOfExecutionName('jw-1f-r2-c4')).toBe(2);
  });

  it('shows a deployed execution by name and ARN, a local one by name only', () => {
    const deployed = 'arn:aws:states:eu-west-1:123456789012:execution:jobwatch-prod-watch:jw-1f-c2';
    expect(executionOf(deployed)).toEqual({ name: 'jw-1f-c2', arn: deployed });
    expect(executionOf('arn:aws-cn:states:cn-north-1:123456789012:execution:m:jw-1f').arn).toBeDefined();
    expect(executionOf('arn:aws:states:local:000000000000:execution:jobwatch-watch:jw-1f')).toEqual({
      name: 'jw-1f',
    });
  });
});
