// The public pieces of the Netatmo client. The nodes mostly need NetatmoAccount; the rest is
// exported for the nodes' own planning (windows, trackers) and for tests.
export * from './types';
export * from './errors';
export type { AccountOptions, AccountEvents, NetatmoAccountApi } from './account-api';
export { NetatmoAccount, ACCESS_TOKEN_LIFETIME_MS } from './account';
export { OAUTH_SCOPE, buildAuthorizeUrl, parseTokenAnswer, OAuthClient } from './oauth';
export { TokenStore, newestPair, isTokenPair } from './token-store';
export { TokenManager, DEFAULT_REFRESH_MARGIN_MS } from './token-manager';
export { RateBudget, DEFAULT_RATE_LIMITS, type RateLimit, type Priority, type AcquireOptions } from './rate-budget';
export { HttpClient, type HttpClientOptions, type HttpRequest, type SendOptions } from './http';
export { classifyAnswer, parseRetryAfter } from './error-map';
export { parseHomesData, lineKind } from './discovery';
export {
  MAX_ROWS,
  isScale,
  isLocalScale,
  zoneOrDefault,
  isMeasureType,
  stepMs,
  alignDown,
  alignUp,
  nextBucketStart,
  recentWindow,
  recentSpanMs,
  validateQuery,
  planRequests,
  type MeasurePage,
  type LocalScale,
} from './measure-plan';
export { isTimeZone, systemTimeZone, offsetMs, startOfDay, nextDay, startOfWeek, nextWeek, startOfMonth, nextMonth, localDateText } from './local-calendar';
export { decodeMeasure, bucketTotal } from './measure-decode';
export { WindowTracker, defaultHorizonMs, type WindowTrackerState, type WindowTrackerOptions } from './window-tracker';
