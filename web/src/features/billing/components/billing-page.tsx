import { useSearchParams } from "react-router";
import { Page } from "../../../components/ui/page";
import { ErrorState, Loading } from "../../../components/ui/states";
import { useAccount } from "../../../lib/account-query";
import { useLocale, useMessages } from "../../../lib/i18n";
import { useBillingCatalog, useBillingStatus } from "../api/billing-queries";
import { orderedProviders } from "../checkout-order";
import { billingMessages } from "../messages";
import { AutoTopupForm } from "./auto-topup-form";
import { PacksSection } from "./packs-section";
import { PaymentHistory } from "./payment-history";
import { PaymentReturn } from "./payment-return";
import { PlansSection } from "./plans-section";
import { SummaryCard } from "./summary-card";
import "../billing.css";

/**
 * Billing: the return from a provider (`?payment=<id>`), balance, plan and period, plans and packs with the
 * checkouts this deployment offers (EPS first in Bangladesh), auto top-up and the payment history with receipts.
 */
export function BillingPage() {
  const t = useMessages(billingMessages);
  const { locale } = useLocale();
  const [searchParams, setSearchParams] = useSearchParams();
  const returnedPayment = searchParams.get("payment");
  const catalog = useBillingCatalog();
  const status = useBillingStatus();
  const account = useAccount();
  const providers = catalog.data ? orderedProviders(locale, account.data?.phone, catalog.data.providers) : [];
  return (
    <Page title={t("title")} description={t("description")}>
      {returnedPayment ? (
        <PaymentReturn
          key={returnedPayment}
          paymentId={returnedPayment}
          onDismiss={() =>
            setSearchParams(
              (params) => {
                params.delete("payment");
                return params;
              },
              { replace: true },
            )
          }
        />
      ) : null}
      {status.isPending ? <Loading /> : null}
      {status.isError ? (
        <ErrorState error={status.error} title={t("statusFailed")} onRetry={() => void status.refetch()} />
      ) : null}
      {status.data ? <SummaryCard status={status.data} providers={providers} /> : null}
      {catalog.isPending ? <Loading /> : null}
      {catalog.isError ? (
        <ErrorState error={catalog.error} title={t("catalogFailed")} onRetry={() => void catalog.refetch()} />
      ) : null}
      {catalog.data && providers.length === 0 ? (
        <p className="notice" data-testid="billing-no-providers">
          {t("noProviders")}
        </p>
      ) : null}
      {catalog.data && status.data ? (
        <>
          <PacksSection catalog={catalog.data} providers={providers} />
          <PlansSection catalog={catalog.data} status={status.data} providers={providers} />
          <AutoTopupForm catalog={catalog.data} status={status.data} />
        </>
      ) : null}
      <PaymentHistory />
    </Page>
  );
}
