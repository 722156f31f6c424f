import { describe, expect, it } from 'vitest';
import { progressPercent } from '../../../lib/vendors/cinegy-pcs/cinegy-pcs-observation.js';
import { parseCinegyDate, timeSpanSeconds } from '../../../lib/vendors/cinegy-pcs/cinegy-pcs-quirks.js';
import { mapCinegyTaskStatus } from '../../../lib/vendors/cinegy-pcs/map-cinegy-pcs-status.js';
import { fixtureJson, observe, seedTaskList } from './support.js';

describe('Cinegy PCS seed examples', () => {
  const [inProgress, finishedTrail] = seedTaskList().items;

  it("reads the list example's registered task (status 0, progress and result null) as running", () => {
    // Act
    const observation = observe(inProgress);

    // Assess
    expect(observation).toEqual({
      status: 'RUNNING',
      rawStatus: '0 (Task is in progress.)',
      message: 'Task is in progress.',
      vendorUpdatedAt: '2023-07-27T19:44:15.655Z',
      details: {
        taskId: '73642d74-ff20-4b6c-84a5-f8ba0ee145e4',
        taskName: 'Task file_example_MP4_640_3MG.mp4 - 27.07.2023 19:44:13',
        priority: 100,
        handlerHost: 'ZT-09',
        createdAt: '2023-07-27T19:44:13.147Z',
      },
      adapterState: { taskId: '73642d74-ff20-4b6c-84a5-f8ba0ee145e4' },
    });
  });

  it("reads the list example's finished task as succeeded at 100% although its TimeSpans say 56%", () => {
    // Act
    const observation = observe(finishedTrail);

    // Assess
    expect(observation).toEqual({
      status: 'SUCCEEDED',
      rawStatus: '4 (Task is finished.)',
      progress: 100,
      message: 'Successfully finished',
      vendorUpdatedAt: '2023-07-27T13:30:37.010Z',
      details: {
        taskId: '7b30672e-6a83-4559-9b0c-d2454fa7bab8',
        taskName: 'Task The Trail.mp4 - 27-Jule-23 13:29:00',
        priority: 50,
        handlerHost: 'ZT-106',
        resultType: 0,
        lastReportedProgress: 56.12,
        createdAt: '2023-07-27T13:29:00.641Z',
      },
      adapterState: { taskId: '7b30672e-6a83-4559-9b0c-d2454fa7bab8' },
    });
  });

  it('reads dates without an offset in the configured zone', () => {
    // Act
    const observation = observe(finishedTrail, '+03:00');

    // Assess
    expect(observation.vendorUpdatedAt).toBe('2023-07-27T10:30:37.010Z');
    expect(observation.details?.createdAt).toBe('2023-07-27T10:29:00.641Z');
  });

  it('reads the single-task example and leaves out its impossible result date instead of failing', () => {
    // Act
    const observation = observe(fixtureJson('seed-task-by-id.json'));

    // Assess
    expect(observation).toEqual({
      status: 'SUCCEEDED',
      rawStatus: '4 (Task is finished.)',
      progress: 100,
      message: 'Successfully finished',
      vendorUpdatedAt: '2023-07-27T13:30:37.010Z',
      details: {
        taskId: '7b30672e-6a83-4559-9b0c-d2454fa7bab7',
        taskName: 'Task The Witcher 3 - Wild Hunt - Opening Cinematic - The Trail.mp4 - 27-Jule-23 13:29:00',
        priority: 50,
        handlerHost: 'ZT-106',
        resultType: 0,
        lastReportedProgress: 56.12,
        createdAt: '2023-07-27T13:29:00.641Z',
        unreadableDates: ['result.generationTime'],
      },
      adapterState: { taskId: '7b30672e-6a83-4559-9b0c-d2454fa7bab7' },
    });
  });

  it('reads the Swagger schema example (string status, ticks objects of zero) as running without progress', () => {
    // Act
    const observation = observe(fixtureJson('seed-task-by-id-schema.json'));

    // Assess
    expect(observation).toEqual({
      status: 'RUNNING',
      rawStatus: 'inProgress (string)',
      message: 'string',
      vendorUpdatedAt: '2023-07-27T12:09:26.676Z',
      details: {
        taskId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
        taskName: 'string',
        priority: 0,
        handlerHost: 'string',
        resultType: 'success',
        localMessage: 'string',
        createdAt: '2023-07-27T12:09:26.676Z',
      },
      adapterState: { taskId: '3fa85f64-5717-4562-b3fc-2c963f66afa6' },
    });
  });

  it('reads every item of the list schema example', () => {
    // Prepare
    const list = fixtureJson('seed-tasks-list-schema.json') as { items: unknown[] };

    // Act
    const statuses = list.items.map((item) => observe(item).status);

    // Assess
    expect(statuses).toEqual(['RUNNING']);
  });
});

describe('mapCinegyTaskStatus', () => {
  it.each([
    // The published values [DOC].
    [0, 'Task is in progress.', null, null, 'RUNNING'],
    ['inProgress', 'string', null, null, 'RUNNING'],
    [4, 'Task is finished.', 0, 'Successfully finished', 'SUCCEEDED'],
    [4, 'Task is finished.', 'success', null, 'SUCCEEDED'],
    // Finished with any other result type: failed, or aborted when a text says so.
    [4, 'Task is finished.', 1, 'Error: cannot open source file', 'FAILED'],
    [4, 'Task is finished.', 'failed', null, 'FAILED'],
    [4, 'Task is finished.', 2, 'Task was aborted by user', 'CANCELLED'],
    [4, 'Task is finished.', 'aborted', null, 'CANCELLED'],
    [4, 'Task is finished (cancelled by operator).', 3, null, 'CANCELLED'],
    ['finished', null, 'cancelled', null, 'CANCELLED'],
    ['finished', null, 'canceled', null, 'CANCELLED'],
    ['finished', null, 'error', null, 'FAILED'],
    ['finished', null, 'completedWithErrors', null, 'FAILED'],
    ['finished', null, 'success', null, 'SUCCEEDED'],
    // Finished without a verdict yet: not final.
    [4, 'Task is finished.', null, null, 'UNKNOWN'],
    [4, 'Task is finished.', null, 'Successfully finished', 'UNKNOWN'],
    // Unpublished numbers and names, read by their words.
    [2, 'Task is paused.', null, null, 'SUSPENDED'],
    [3, 'Task is suspended.', null, null, 'SUSPENDED'],
    [5, 'Task is aborted.', null, null, 'CANCELLED'],
    [14, 'Task was cancelled by the operator', null, null, 'CANCELLED'],
    [6, 'Task failed.', null, null, 'FAILED'],
    [8, 'Task has an error', null, null, 'FAILED'],
    [17, 'Task finished with errors', null, null, 'FAILED'],
    [10, 'Task is in progress', null, null, 'RUNNING'],
    [11, 'Task finished without errors', 0, null, 'SUCCEEDED'],
    [12, 'Task finished with errors', 1, null, 'FAILED'],
    [12, 'Task finished without errors', 'completed without errors', null, 'FAILED'],
    [13, 'Task is completed.', 0, null, 'SUCCEEDED'],
    ['paused', null, null, null, 'SUSPENDED'],
    ['suspended', null, null, null, 'SUSPENDED'],
    ['aborted', null, null, null, 'CANCELLED'],
    ['cancelled', null, null, null, 'CANCELLED'],
    ['failed', null, null, null, 'FAILED'],
    ['error', null, null, null, 'FAILED'],
    ['status7', 'Task is paused.', null, null, 'SUSPENDED'],
    // Anything else is not guessed.
    [1, 'Task is waiting in the queue.', null, null, 'UNKNOWN'],
    [7, 'Task is whatever', null, null, 'UNKNOWN'],
    [7, null, null, null, 'UNKNOWN'],
    [null, null, null, null, 'UNKNOWN'],
    ['completed', null, null, null, 'UNKNOWN'],
  ] as const)(
    'status %j (%j), result %j (%j) → %s',
    (status, statusDescription, resultType, resultDetails, expected) => {
      // Act
      const mapped = mapCinegyTaskStatus({ status, statusDescription, resultType, resultDetails });

      // Assess
      expect(mapped).toBe(expected);
    },
  );

  it('keeps an unpublished number and its description as the raw status', () => {
    // Act
    const observation = observe({ id: 'a', status: 7, statusDescription: 'Task is whatever' });

    // Assess
    expect(observation).toMatchObject({ status: 'UNKNOWN', rawStatus: '7 (Task is whatever)' });
    expect(observation.details?.unmappedStatus).toContain('not published');
  });

  it('says a finished task without a result is waiting for its verdict', () => {
    // Act
    const observation = observe({ id: 'a', status: 4, statusDescription: 'Task is finished.', result: null });

    // Assess
    expect(observation).toMatchObject({
      status: 'UNKNOWN',
      details: { unmappedStatus: 'finished without a result yet' },
    });
  });

  it("reports a failed task with the vendor's own error and the progress where it stopped", () => {
    // Act
    const observation = observe({
      id: 'a',
      status: 4,
      statusDescription: 'Task is finished.',
      progress: { globalCurrentProgress: '00:02:00', globalMaxProgress: '00:08:00' },
      result: { type: 1, details: 'Error: cannot open source file', generationTime: null },
    });

    // Assess
    expect(observation).toMatchObject({
      status: 'FAILED',
      progress: 25,
      message: 'Error: cannot open source file',
      error: { message: 'Error: cannot open source file', code: 'result.type 1' },
    });
  });
});

describe('timeSpanSeconds', () => {
  it.each([
    ['00:06:32.8320000', 392.832],
    ['00:11:40', 700],
    ['00:01:40', 100],
    ['1.02:03:04', 93_784],
    ['1.02:03:04.5000000', 93_784.5],
    ['-00:00:05', -5],
    [{ ticks: 3_928_320_000 }, 392.832],
    // The Swagger template zero-fills every field: a writer setting only the totals leaves ticks 0.
    [{ ticks: 0, totalSeconds: 12 }, 12],
    [{ ticks: 0, totalSeconds: 0, totalMilliseconds: 0 }, 0],
    [{ totalSeconds: 700 }, 700],
    [{ ticks: 7_000_000_000, totalSeconds: 700 }, 700],
    ['00:61:00', undefined],
    ['26:00:00', undefined],
    ['1.25:00:00', undefined],
    ['abc', undefined],
    ['', undefined],
    [42, undefined],
    [null, undefined],
    [undefined, undefined],
    [{}, undefined],
    [[1, 2], undefined],
  ] as const)('%j → %j seconds', (value, expected) => {
    // Act
    const seconds = timeSpanSeconds(value);

    // Assess
    if (expected === undefined) expect(seconds).toBeUndefined();
    else expect(seconds).toBeCloseTo(expected, 6);
  });

  it.each([
    ['00:06:32.8320000', '00:11:40', 56.12],
    ['00:00:00', '00:00:00', undefined],
    ['00:01:00', null, undefined],
    [null, '00:10:00', undefined],
    ['-00:01:00', '00:10:00', 0],
    ['00:20:00', '00:10:00', 100],
    [{ ticks: 3_000_000_000 }, { ticks: 6_000_000_000 }, 50],
    [{ ticks: 0, totalSeconds: 30 }, { ticks: 0, totalSeconds: 60 }, 50],
    [{ ticks: 0, totalSeconds: 0 }, { ticks: 0, totalSeconds: 0 }, undefined],
    [30, '00:01:00', undefined],
    ['00:00:30', 60, undefined],
  ] as const)('progress from %j of %j → %j', (current, maximum, expected) => {
    // Act
    const percent = progressPercent(current, maximum);

    // Assess
    expect(percent).toBe(expected);
  });
});

describe('parseCinegyDate', () => {
  it.each([
    ['2023-07-27T13:29:00.6410079', 'UTC', '2023-07-27T13:29:00.641Z'],
    ['2023-07-27T10:30:15.2450333Z', 'UTC', '2023-07-27T10:30:15.245Z'],
    ['2023-07-27T13:30:36.9985865+03:00', 'UTC', '2023-07-27T10:30:36.998Z'],
    ['2023-07-28T10:51:02.193Z', 'UTC', '2023-07-28T10:51:02.193Z'],
    ['2023-07-27T13:29:00', '+03:00', '2023-07-27T10:29:00.000Z'],
    ['2023-07-27T13:29:00', 'Europe/Helsinki', '2023-07-27T10:29:00.000Z'],
    ['2023-01-27T13:29:00', 'Europe/Helsinki', '2023-01-27T11:29:00.000Z'],
    ['2023-07-273T13:30:36.9985865+03:00', 'UTC', undefined],
    ['2023-02-30T00:00:00', 'UTC', undefined],
    ['2023-07-27T25:00:00', 'UTC', undefined],
    ['yesterday', 'UTC', undefined],
    [null, 'UTC', undefined],
    [1690464540000, 'UTC', undefined],
  ] as const)('%j in %s → %j', (value, zone, expected) => {
    // Act
    const parsed = parseCinegyDate(value, zone);

    // Assess
    expect(parsed).toBe(expected);
  });
});
