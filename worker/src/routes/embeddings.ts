/**
 * POST /v1/embeddings: OpenAI's embeddings API for the catalog's embedding models (OpenAI, Gemini, Qwen, Z.ai),
 * billed and limited like chat. Fields: embeddings/parse-embedding-request.ts; the pipeline:
 * embeddings/handle-embeddings.ts.
 * https://platform.openai.com/docs/api-reference/embeddings/create
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { beforeAdmission } from "../chat/admission.ts";
import { chatScope } from "../chat/chat-scope.ts";
import { handleEmbeddings } from "../embeddings/handle-embeddings.ts";
import { embeddingBodySchema, normalizeEmbeddingBody } from "../embeddings/parse-embedding-request.ts";
import { readJsonBody } from "./read-json-body.ts";

export const embeddingsRoute = new Hono<AppEnv>().post("/", async (context) => {
  const scope = chatScope(context);
  const request = await beforeAdmission(scope, async () =>
    normalizeEmbeddingBody(await readJsonBody(context.req.raw, scope.config.MAX_REQUEST_BYTES, embeddingBodySchema)),
  );
  return handleEmbeddings(scope, request);
});
