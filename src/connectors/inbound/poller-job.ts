import type { Bus } from '../../ports/bus.ts';
import type { WatermarkStore } from '../../ports/storage.ts';
import type { ScheduledJob } from '../../runtime/scheduler/scheduler.ts';
import type { DeltaPoller } from '../connector.ts';

/** Pages read in one run before yielding to the next schedule, so one poller cannot hog a run. */
const MAX_PAGES_PER_RUN = 50;

/**
 * Turns a delta poller into a scheduled job with a durable watermark. Per page: read changes
 * after the watermark, publish them (durable), then advance the watermark. A crash between the
 * two re-reads the page and the log drops the duplicates, so a change is neither skipped nor
 * emitted twice.
 */
export function pollerJob(poller: DeltaPoller, deps: { bus: Bus; watermarks: WatermarkStore; clock?: () => number }): ScheduledJob {
  const clock = deps.clock ?? Date.now;
  return {
    name: `poll:${poller.name}`,
    everyMs: poller.everyMs,
    async run({ signal }) {
      let stored = await deps.watermarks.get(poller.name);
      let watermark = stored ?? poller.initialWatermark();
      for (let page = 0; page < MAX_PAGES_PER_RUN && !signal.aborted; page++) {
        const result = await poller.poll({ watermark, signal });
        if (result.events.length > 0) await deps.bus.publish(result.events);
        if (result.watermark !== watermark || stored === undefined) {
          const advanced = await deps.watermarks.advance({ name: poller.name, value: result.watermark, expected: stored, now: clock() });
          // Someone else advanced it (another worker): stop; the next run starts from theirs.
          if (!advanced) return;
          stored = result.watermark;
          watermark = result.watermark;
        }
        if (!result.more) return;
      }
    },
  };
}
