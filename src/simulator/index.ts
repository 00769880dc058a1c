// The stand-in Netatmo cloud: programmatic entry point (see notes/simulator-api.md).
export { startSimulator, DEFAULT_RATE_LIMITS } from './server';
export { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN, DEFAULT_PORT } from './defaults';
export type {
  BucketQuery, FaultOptions, RateWindow, SimBucket, SimLine, SimStats, Simulator, SimulatorOptions,
} from './types';
