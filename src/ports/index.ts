export type * from './bus.ts';
export * from './storage.ts';
