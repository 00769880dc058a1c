// The stand-in Netatmo cloud: programmatic entry point (its exports below are the API; the README beside it says how to run it).
export { startSimulator, DEFAULT_RATE_LIMITS } from './server';
export { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN, DEFAULT_PORT } from './defaults';
export type { BucketQuery, FaultOptions, RateWindow, SimBucket, SimEnergy, SimLine, SimMeter, SimStats, Simulator, SimulatorOptions } from './types';
