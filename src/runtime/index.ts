export { Hub, type HubOptions } from './hub.ts';
export * from './errors.ts';
export * from './delivery/index.ts';
export * from './flows/index.ts';
export { Scheduler, type ScheduledJob, type SchedulerOptions } from './scheduler/scheduler.ts';
