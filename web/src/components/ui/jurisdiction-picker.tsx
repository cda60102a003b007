import type { Jurisdiction } from "../../lib/api-types";
import { useMessages } from "../../lib/i18n";
import { uiMessages } from "./messages";

export const JURISDICTIONS: readonly Jurisdiction[] = ["CN", "SG", "US", "EU", "global"];

/** null: anywhere; otherwise the chosen jurisdictions. */
export type JurisdictionChoice = Jurisdiction[] | null;

interface JurisdictionPickerProps {
  value: JurisdictionChoice;
  onChange(value: JurisdictionChoice): void;
  error?: string | null;
  /** Prefix for the inputs' names, so two pickers on one page stay apart. */
  name: string;
}

export function JurisdictionPicker({ value, onChange, error, name }: JurisdictionPickerProps) {
  const t = useMessages(uiMessages);
  const restricted = value !== null;
  return (
    <fieldset className="jurisdictions" aria-invalid={Boolean(error)}>
      <legend>{t("jurisdictionsLegend")}</legend>
      <label className="choice">
        <input type="radio" name={`${name}-mode`} checked={!restricted} onChange={() => onChange(null)} />
        {t("jurisdictionsAll")}
      </label>
      <label className="choice">
        <input
          type="radio"
          name={`${name}-mode`}
          checked={restricted}
          onChange={() => onChange(value ?? [...JURISDICTIONS])}
        />
        {t("jurisdictionsOnly")}
      </label>
      {restricted ? (
        <div className="jurisdiction-list">
          {JURISDICTIONS.map((jurisdiction) => (
            <label key={jurisdiction} className="choice">
              <input
                type="checkbox"
                name={`${name}-${jurisdiction}`}
                checked={value.includes(jurisdiction)}
                onChange={(event) =>
                  onChange(
                    event.target.checked
                      ? JURISDICTIONS.filter((item) => item === jurisdiction || value.includes(item))
                      : value.filter((item) => item !== jurisdiction),
                  )
                }
              />
              {t(`jurisdiction.${jurisdiction}`)}
            </label>
          ))}
        </div>
      ) : null}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

/** Short list of the jurisdictions for a table cell. */
export function useJurisdictionLabel(): (value: JurisdictionChoice, anywhere: string) => string {
  const t = useMessages(uiMessages);
  return (value, anywhere) =>
    value === null ? anywhere : value.map((jurisdiction) => t(`jurisdiction.${jurisdiction}`)).join(", ");
}
