import type { CatalogModel } from "../../../lib/api-types";
import { useMessages } from "../../../lib/i18n";
import { keysMessages } from "../messages";
import { MODEL_ALIAS_MAX, type AliasError, type AliasRow } from "../model-aliases";

interface ModelAliasesEditorProps {
  rows: AliasRow[];
  /** The catalog's models, the targets to pick from (empty while loading). */
  models: readonly CatalogModel[];
  /** Per row, the error to show (validation as the user types, or null). */
  errors: (AliasError | null)[];
  /** The API's message about the aliases (it names the alias), shown under the list. */
  apiError: string | null;
  onChange(rows: AliasRow[]): void;
}

/** Rows of alias id + target model (picked from the catalog), with add and remove; wraps on a phone. */
export function ModelAliasesEditor({ rows, models, errors, apiError, onChange }: ModelAliasesEditorProps) {
  const t = useMessages(keysMessages);
  const update = (index: number, change: Partial<AliasRow>) =>
    onChange(rows.map((row, rowIndex) => (rowIndex === index ? { ...row, ...change } : row)));

  return (
    <fieldset className="limits" data-testid="key-aliases-editor">
      <legend>{t("aliasesLegend")}</legend>
      <p className="field-hint">{t("aliasesHint", { max: String(MODEL_ALIAS_MAX) })}</p>
      {rows.map((row, index) => {
        const error = errors[index];
        const errorId = `key-alias-error-${index}`;
        return (
          <div className="alias-row" key={index} data-testid="key-alias-row">
            <label>
              <span>{t("aliasId")}</span>
              <input
                data-testid="key-alias-id"
                value={row.alias}
                autoComplete="off"
                spellCheck={false}
                aria-invalid={error !== null && error !== "aliasTargetMissing"}
                aria-describedby={error ? errorId : undefined}
                onChange={(event) => update(index, { alias: event.target.value })}
              />
            </label>
            <label>
              <span>{t("aliasTarget")}</span>
              <select
                data-testid="key-alias-target"
                value={row.target}
                aria-invalid={error === "aliasTargetMissing"}
                onChange={(event) => update(index, { target: event.target.value })}
              >
                <option value="">{t("aliasChoose")}</option>
                {models.map((model) => (
                  <option key={model.id} value={model.id}>
                    {model.name} ({model.id})
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              data-testid="key-alias-remove"
              aria-label={t("aliasRemove", { alias: row.alias || "—" })}
              onClick={() => onChange(rows.filter((_, rowIndex) => rowIndex !== index))}
            >
              ×
            </button>
            {error ? (
              <p id={errorId} className="field-error" role="alert">
                {t(error)}
              </p>
            ) : null}
          </div>
        );
      })}
      {apiError ? (
        <p className="field-error" role="alert">
          {apiError}
        </p>
      ) : null}
      <button
        type="button"
        data-testid="key-alias-add"
        disabled={rows.length >= MODEL_ALIAS_MAX}
        onClick={() => onChange([...rows, { alias: "", target: "" }])}
      >
        {t("aliasAdd")}
      </button>
    </fieldset>
  );
}
