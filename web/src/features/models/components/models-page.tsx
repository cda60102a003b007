import { useQuery } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";
import { ErrorState, Loading } from "../../../components/ui/states";
import { Page } from "../../../components/ui/page";
import { env } from "../../../config/env";
import { useApi } from "../../../lib/api-context";
import type { CatalogModel, Jurisdiction, MicroUsd } from "../../../lib/api-types";
import { formatMoney, formatNumber } from "../../../lib/format";
import { useLocale, useMessages } from "../../../lib/i18n";
import { catalogProviders, clientExample, filterCatalog } from "../catalog";
import { modelsMessages } from "../messages";
import { CodeExample } from "./code-example";
import "../models.css";

type ModelsT = ReturnType<typeof useMessages<keyof (typeof modelsMessages)["en"]>>;

function capabilityLabel(t: ModelsT, capability: string): string {
  switch (capability) {
    case "tools":
      return t("capTools");
    case "vision":
      return t("capVision");
    case "reasoning":
      return t("capReasoning");
    default:
      return capability;
  }
}

function jurisdictionLabel(t: ModelsT, jurisdiction: Jurisdiction): string {
  switch (jurisdiction) {
    case "CN":
      return t("jurCN");
    case "SG":
      return t("jurSG");
    case "US":
      return t("jurUS");
    case "EU":
      return t("jurEU");
    default:
      return t("jurGlobal");
  }
}

export function ModelsPage() {
  const t = useMessages(modelsMessages);
  const { locale } = useLocale();
  const api = useApi();
  const id = useId();
  const catalog = useQuery({
    queryKey: ["models", "catalog"],
    queryFn: ({ signal }) => api.getModelCatalog({ signal }),
  });
  const [text, setText] = useState("");
  const [provider, setProvider] = useState("");
  const [exampleModel, setExampleModel] = useState<string | null>(null);

  const models = useMemo(() => catalog.data?.data ?? [], [catalog.data]);
  const providers = useMemo(() => catalogProviders(models), [models]);
  const shown = useMemo(() => filterCatalog(models, { text, provider: provider || null }), [models, text, provider]);
  const bdtPerUsd = catalog.data?.bdtPerUsd ?? null;
  const rate = bdtPerUsd === null ? "" : formatMoney(1_000_000, locale, { currency: "BDT", bdtPerUsd });

  return (
    <Page title={t("title")} description={t("description")}>
      {catalog.isPending ? (
        <Loading />
      ) : catalog.isError ? (
        <ErrorState error={catalog.error} title={t("loadFailed")} onRetry={() => void catalog.refetch()} />
      ) : models.length === 0 ? (
        <p className="models-empty">{t("empty")}</p>
      ) : (
        <>
          <form className="models-filters" role="search" onSubmit={(event) => event.preventDefault()}>
            <div className="models-field">
              <label htmlFor={`${id}-search`}>{t("search")}</label>
              <input
                id={`${id}-search`}
                type="search"
                value={text}
                autoComplete="off"
                onChange={(event) => setText(event.target.value)}
              />
            </div>
            <div className="models-field">
              <label htmlFor={`${id}-provider`}>{t("provider")}</label>
              <select id={`${id}-provider`} value={provider} onChange={(event) => setProvider(event.target.value)}>
                <option value="">{t("allProviders")}</option>
                {providers.map((name) => (
                  <option key={name} value={name} lang="en">
                    {name}
                  </option>
                ))}
              </select>
            </div>
            <p className="models-count" role="status" aria-live="polite">
              {t("count", { shown: formatNumber(shown.length, locale), total: formatNumber(models.length, locale) })}
            </p>
          </form>

          {shown.length === 0 ? (
            <p className="models-empty">{t("noMatch")}</p>
          ) : (
            <ModelTable models={shown} bdtPerUsd={bdtPerUsd} rate={rate} />
          )}
          {bdtPerUsd === null ? null : <p className="models-note">{t("ratesNote", { rate })}</p>}

          <Examples
            models={models}
            selected={exampleModel ?? shown[0]?.id ?? models[0]?.id ?? ""}
            onSelect={setExampleModel}
          />
        </>
      )}
    </Page>
  );
}

function ModelTable({ models, bdtPerUsd, rate }: { models: CatalogModel[]; bdtPerUsd: number | null; rate: string }) {
  const t = useMessages(modelsMessages);
  const { locale } = useLocale();
  const price = (amount: MicroUsd | null) =>
    amount === null ? (
      <span aria-label={t("notApplicableLabel")}>{t("notApplicable")}</span>
    ) : (
      <>
        <span className="models-usd">{formatMoney(amount, locale, { precision: "price" })}</span>
        {bdtPerUsd === null ? null : (
          <span className="models-bdt">
            {formatMoney(amount, locale, { currency: "BDT", bdtPerUsd, precision: "price" })}
          </span>
        )}
      </>
    );
  return (
    <div className="models-table-scroll" role="region" aria-label={t("tableRegion")} tabIndex={0}>
      <table className="models-table">
        <caption>{t("tableCaption", { rate })}</caption>
        <thead>
          <tr>
            <th scope="col">{t("colModel")}</th>
            <th scope="col">{t("colProvider")}</th>
            <th scope="col" className="numeric">
              {t("colInput")}
            </th>
            <th scope="col" className="numeric">
              {t("colCachedInput")}
            </th>
            <th scope="col" className="numeric">
              {t("colOutput")}
            </th>
            <th scope="col" className="numeric">
              {t("colCacheWrite")}
            </th>
            <th scope="col" className="numeric">
              {t("colContext")}
            </th>
            <th scope="col" className="numeric">
              {t("colMaxOutput")}
            </th>
            <th scope="col">{t("colCapabilities")}</th>
            <th scope="col">{t("colJurisdictions")}</th>
          </tr>
        </thead>
        <tbody>
          {models.map((model) => (
            <tr key={model.id} data-testid="model-row" data-model-id={model.id}>
              <th scope="row">
                <span className="models-name">{model.name}</span>
                <code>{model.id}</code>
              </th>
              <td lang="en" translate="no">
                {model.provider}
              </td>
              <td className="numeric">{price(model.prices.input)}</td>
              <td className="numeric">{price(model.prices.cachedInput)}</td>
              <td className="numeric">{price(model.prices.output)}</td>
              <td className="numeric">{price(model.prices.cacheWrite)}</td>
              <td className="numeric">{t("tokens", { count: formatNumber(model.contextTokens, locale) })}</td>
              <td className="numeric">{t("tokens", { count: formatNumber(model.maxOutputTokens, locale) })}</td>
              <td>
                {model.capabilities.length === 0 ? (
                  <span aria-label={t("notApplicableLabel")}>{t("notApplicable")}</span>
                ) : (
                  <ul className="models-tags">
                    {model.capabilities.map((capability) => (
                      <li key={capability}>{capabilityLabel(t, capability)}</li>
                    ))}
                  </ul>
                )}
              </td>
              <td>
                <ul className="models-tags">
                  {model.jurisdictions.map((jurisdiction) => (
                    <li key={jurisdiction}>{jurisdictionLabel(t, jurisdiction)}</li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Examples({
  models,
  selected,
  onSelect,
}: {
  models: CatalogModel[];
  selected: string;
  onSelect(model: string): void;
}) {
  const t = useMessages(modelsMessages);
  const id = useId();
  const pageOrigin = typeof window === "undefined" ? "" : window.location.origin;
  const options = { apiUrl: env.apiUrl, pageOrigin, model: selected };
  return (
    <section className="models-examples" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t("exampleHeading")}</h2>
      <p>{t("exampleIntro")}</p>
      <div className="models-field">
        <label htmlFor={`${id}-model`}>{t("exampleModel")}</label>
        <select id={`${id}-model`} value={selected} onChange={(event) => onSelect(event.target.value)}>
          {models.map((model) => (
            <option key={model.id} value={model.id}>
              {model.id}
            </option>
          ))}
        </select>
      </div>
      <CodeExample title={t("exampleOpenai")} code={clientExample("openai", options)} />
      <CodeExample title={t("exampleAnthropic")} code={clientExample("anthropic", options)} />
    </section>
  );
}
