/**
 * The API keys page's model-alias rows: what the user types, checked as the worker will check it
 * (contracts/keys-api.ts: alias id pattern, at most 32; services/identity/model-aliases.ts: the target is a catalog
 * model and the alias is not one), so the form shows the same refusal before sending.
 */
export const MODEL_ALIAS_MAX = 32;
const ALIAS_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

export interface AliasRow {
  alias: string;
  target: string;
}

export type AliasError = "aliasRequired" | "aliasPattern" | "aliasDuplicate" | "aliasShadows" | "aliasTargetMissing";

/** One error code per row (null = valid). `catalogIds` null (the catalog not loaded yet): the worker checks those. */
export function validateAliasRows(
  rows: readonly AliasRow[],
  catalogIds: ReadonlySet<string> | null,
): (AliasError | null)[] {
  const seen = new Set<string>();
  return rows.map(({ alias, target }) => {
    const id = alias.trim();
    if (id === "") return "aliasRequired";
    if (catalogIds?.has(id)) return "aliasShadows";
    if (!ALIAS_PATTERN.test(id)) return "aliasPattern";
    if (seen.has(id)) return "aliasDuplicate";
    seen.add(id);
    const known = catalogIds ? catalogIds.has(target) : target !== "";
    return known ? null : "aliasTargetMissing";
  });
}

/** The rows as the API's `modelAliases` map. */
export function aliasRowsToMap(rows: readonly AliasRow[]): Record<string, string> {
  return Object.fromEntries(rows.map(({ alias, target }) => [alias.trim(), target]));
}

/** A key's map as rows, alias order kept. */
export function aliasMapToRows(aliases: Readonly<Record<string, string>> | undefined): AliasRow[] {
  return Object.entries(aliases ?? {}).map(([alias, target]) => ({ alias, target }));
}
