/**
 * Test support: the real translated stream body (SSE decode -> translator -> surface encoder), for tests outside
 * chat/ (provider translators, the prompt cache's replay) that check their part through the whole pipeline.
 * Production code below chat/ never imports it; lint keeps providers/ and services/ from importing chat/ directly.
 */
export { createTranslatedStreamBody } from "../chat/stream-body/translated-stream.ts";
export type { StreamOutcome } from "../chat/stream-body/stream-progress.ts";
