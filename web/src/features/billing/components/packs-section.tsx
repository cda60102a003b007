import type { BillingCatalog } from "../../../lib/api-types";
import { formatMoney } from "../../../lib/format";
import { useLocale, useMessages } from "../../../lib/i18n";
import type { PaymentProvider } from "../checkout-order";
import { billingMessages } from "../messages";
import { formatPrice } from "../price";
import { CheckoutButtons } from "./checkout-buttons";

const MICRO_USD_PER_CENT = 10_000;

/** One-time credit packs, priced in both currencies; the larger ones carry extra credit. */
export function PacksSection({ catalog, providers }: { catalog: BillingCatalog; providers: PaymentProvider[] }) {
  const t = useMessages(billingMessages);
  const { locale } = useLocale();
  return (
    <section className="card" aria-labelledby="packs-title">
      <h2 id="packs-title">{t("packsTitle")}</h2>
      <p className="muted">{t("packsExplain")}</p>
      <ul className="billing-offers">
        {catalog.packs.map((pack) => {
          const nameId = `pack-name-${pack.id}`;
          const bonus = pack.creditMicroUsd - pack.priceUsdCents * MICRO_USD_PER_CENT;
          return (
            <li key={pack.id} className="billing-offer" data-testid="pack-card" data-pack-id={pack.id}>
              <h3 id={nameId}>{t("packCredit", { credit: formatMoney(pack.creditMicroUsd, locale) })}</h3>
              <p className="billing-price">
                <span data-testid="pack-price-usd">{formatPrice(pack.priceUsdCents, "usd", locale)}</span>
                <span data-testid="pack-price-bdt">{formatPrice(pack.priceBdtPaisa, "bdt", locale)}</span>
              </p>
              {bonus > 0 ? <p className="muted">{t("packBonus", { bonus: formatMoney(bonus, locale) })}</p> : null}
              <CheckoutButtons
                request={{ kind: "pack", productId: pack.id }}
                providers={providers}
                labels={{ stripe: t("payStripe"), eps: t("payEps") }}
                testIds={{ stripe: "pack-buy-stripe", eps: "pack-buy-eps" }}
                describedBy={nameId}
              />
            </li>
          );
        })}
      </ul>
    </section>
  );
}
