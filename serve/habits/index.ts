/** @module The inference service's production habits: API-key auth, rate limits, request ids and access logs, graceful shutdown, hot model reload. */
export { useHabits, type HabitsOptions } from './use-habits.js';
export { apiKeyAuth, type ApiKeyAuthOptions } from './api-key-auth.js';
export { DEFAULT_OPEN_PATHS, openPathMatcher } from './open-paths.js';
export { ApiKeySet, keyIdOf } from './api-keys.js';
export { loadApiKeys, API_KEYS_ENV, type LoadApiKeysOptions } from './load-api-keys.js';
export { rateLimit, parseRateLimit, clientAddress, type RateLimitOptions } from './rate-limit.js';
export { accessLog, type AccessLogLine, type AccessLogOptions } from './access-log.js';
export { Lifecycle, stopAccepting, type LifecycleOptions, type ClosableServer } from './lifecycle.js';
export { ModelSlot, type Lease, type ModelSlotOptions, type ReloadOutcome, type ReloadStatus } from './model-slot.js';
export { ChangeWatcher, stageHolderReader, reloadOnSignal, MAX_RETRY_MS, type WatchOptions } from './model-watch.js';
export type { HabitsEnv, HabitsVariables } from './variables.js';
export { answerHeaders, applyAnswerHeaders, jsonAnswer, jsonTextAnswer, type AnswerHeaders } from './answer-headers.js';
export { requestId } from './request-id.js';
export { hotReload, describeWait, type HotReload, type HotReloadOptions } from './hot-reload.js';
export { habitLayer, habitMiddleware, type HabitLayer, type HabitLayerOptions, type RequestMeter } from './habit-layer.js';
