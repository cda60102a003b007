/**
 * The models a request may be answered by (its own `model`, then the fallback `models` of its routing preferences),
 * each with its price at the request's start and what the request can cost there at most. The credit reservation is
 * the largest of these, so whichever candidate answers is covered; the bill is computed at the answering model's own
 * price (chat/handle-chat.ts switches the run to it).
 */
import { priceAt } from "../catalog/pricing.ts";
import type { ModelEntry, Price } from "../catalog/types.ts";
import type { ChatCompletionRequest } from "../lib/openai-types.ts";
import { reservationMicroUsd } from "../services/hot-path/reservation.ts";
import type { RoutingPreferences } from "../services/routing/routing-preferences.ts";

export interface RoutingPlan {
  models: readonly [ModelEntry, ...ModelEntry[]];
  preferences: RoutingPreferences | null;
  priceOf(model: ModelEntry): Price;
  /** Micro-USD the request costs at most on this model. */
  reservationOf(model: ModelEntry): number;
  /** The largest `reservationOf` over the models: what admission reserves. */
  reservation: number;
}

/** Throws the reservation's 400 when `max_tokens` is above the output limit of any of the models (naming it). */
export function planRouting(
  request: ChatCompletionRequest,
  model: ModelEntry,
  preferences: RoutingPreferences | null,
  startedAt: Date,
): RoutingPlan {
  const models: [ModelEntry, ...ModelEntry[]] = [model, ...(preferences?.fallbackModels ?? [])];
  const prices = new Map(models.map((entry) => [entry.id, priceAt(entry, startedAt)] as const));
  const priceOf = (entry: ModelEntry): Price => prices.get(entry.id) ?? priceAt(entry, startedAt);
  const reservations = new Map(
    models.map((entry) => [entry.id, reservationMicroUsd(request, entry, priceOf(entry))] as const),
  );
  const reservationOf = (entry: ModelEntry): number =>
    reservations.get(entry.id) ?? reservationMicroUsd(request, entry, priceOf(entry));
  return {
    models,
    preferences,
    priceOf,
    reservationOf,
    reservation: Math.max(...models.map(reservationOf)),
  };
}
