/**
 * The dashboard API (`/api/*`), for the SPA: Clerk session JWTs only (never API keys). Each feature mounts its own
 * sub-router here, one line each.
 */
import { Hono } from "hono";
import type { AppEnv } from "../../app-env.ts";

export const apiRoutes = new Hono<AppEnv>();
