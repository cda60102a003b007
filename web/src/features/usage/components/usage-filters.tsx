import { useId } from "react";
import type { UsageStatus } from "../../../lib/api-types";
import { useMessages } from "../../../lib/i18n";
import { USAGE_STATUSES, type UsageSearch } from "../filter";
import { usageMessages } from "../messages";
import { statusLabel } from "./usage-table";

interface UsageFiltersProps {
  search: UsageSearch;
  models: string[];
  keys: Array<{ id: string; name: string }>;
  onChange(change: Partial<Omit<UsageSearch, "cursor">>): void;
  onReset(): void;
}

/** Date range, model, key and status. Each change applies at once (and lands in the URL). */
export function UsageFilters({ search, models, keys, onChange, onReset }: UsageFiltersProps) {
  const t = useMessages(usageMessages);
  const id = useId();
  const modelChoices = search.model && !models.includes(search.model) ? [search.model, ...models] : models;
  const keyChoices =
    search.keyId && !keys.some((key) => key.id === search.keyId)
      ? [{ id: search.keyId, name: search.keyId }, ...keys]
      : keys;
  return (
    <form className="usage-filters" aria-labelledby={`${id}-heading`} onSubmit={(event) => event.preventDefault()}>
      <h2 id={`${id}-heading`} className="visually-hidden">
        {t("filtersHeading")}
      </h2>
      <div className="usage-field">
        <label htmlFor={`${id}-from`}>{t("from")}</label>
        <input
          id={`${id}-from`}
          type="date"
          value={search.from}
          max={search.to}
          required
          onChange={(event) => {
            if (event.target.value) onChange({ from: event.target.value });
          }}
        />
      </div>
      <div className="usage-field">
        <label htmlFor={`${id}-to`}>{t("to")}</label>
        <input
          id={`${id}-to`}
          type="date"
          value={search.to}
          min={search.from}
          required
          onChange={(event) => {
            if (event.target.value) onChange({ to: event.target.value });
          }}
        />
      </div>
      <div className="usage-field">
        <label htmlFor={`${id}-model`}>{t("model")}</label>
        <select
          id={`${id}-model`}
          data-testid="usage-filter-model"
          value={search.model ?? ""}
          onChange={(event) => onChange({ model: event.target.value || null })}
        >
          <option value="">{t("allModels")}</option>
          {modelChoices.map((model) => (
            <option key={model} value={model}>
              {model}
            </option>
          ))}
        </select>
      </div>
      <div className="usage-field">
        <label htmlFor={`${id}-key`}>{t("key")}</label>
        <select
          id={`${id}-key`}
          data-testid="usage-filter-key"
          value={search.keyId ?? ""}
          onChange={(event) => onChange({ keyId: event.target.value || null })}
        >
          <option value="">{t("allKeys")}</option>
          {keyChoices.map((key) => (
            <option key={key.id} value={key.id}>
              {key.name}
            </option>
          ))}
        </select>
      </div>
      <div className="usage-field">
        <label htmlFor={`${id}-status`}>{t("status")}</label>
        <select
          id={`${id}-status`}
          data-testid="usage-filter-status"
          value={search.status ?? ""}
          onChange={(event) =>
            onChange({
              status: (USAGE_STATUSES as string[]).includes(event.target.value)
                ? (event.target.value as UsageStatus)
                : null,
            })
          }
        >
          <option value="">{t("allStatuses")}</option>
          {USAGE_STATUSES.map((status) => (
            <option key={status} value={status}>
              {statusLabel(t, status)}
            </option>
          ))}
        </select>
      </div>
      <div className="usage-field usage-field-action">
        <button type="button" onClick={onReset}>
          {t("reset")}
        </button>
      </div>
    </form>
  );
}
