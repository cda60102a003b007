import { Link, useLocation } from "react-router";
import { paths } from "../../../config/paths";
import { formatMoney } from "../../../lib/format";
import { useLocale, useMessages } from "../../../lib/i18n";
import { useBillingStatus } from "../api/billing-queries";
import { billingMessages } from "../messages";
import { formatDate } from "./labels";

/**
 * The shell's reminder that an EPS plan month is ending (or ended, in its grace): EPS has no recurring billing, so the
 * next month is a new payment (policy: announced in the product before the period ends). Links to Billing, where the
 * "pay for the next month" button is; not shown there.
 */
export function RenewalReminder() {
  const t = useMessages(billingMessages);
  const { locale } = useLocale();
  const { pathname } = useLocation();
  const status = useBillingStatus();
  const subscription = status.data?.subscription;
  const end = subscription?.currentPeriodEnd;
  if (!subscription || subscription.provider !== "eps" || !subscription.renewalDue || !end) return null;
  if (pathname === paths.billing) return null;
  const lapsed = new Date(end).getTime() < Date.now();
  return (
    <section className="notices" aria-label={t("renewPlan")}>
      <div className="notice-banner billing-low-balance" data-testid="renewal-reminder" role="status">
        <p>{t(lapsed ? "renewalLapsed" : "renewalDue", { date: formatDate(end, locale) })}</p>
        <Link to={paths.billing} data-testid="renewal-reminder-link">
          {t("renewPlan")}
        </Link>
      </div>
    </section>
  );
}

/**
 * The shell's warning when the balance falls below the catalog's low-balance mark, linking to Billing. Not shown on
 * the Billing page itself (it says so there), nor while the status loads or when it cannot be read.
 */
export function LowBalanceWarning() {
  const t = useMessages(billingMessages);
  const { locale } = useLocale();
  const { pathname } = useLocation();
  const status = useBillingStatus();
  if (!status.data?.lowBalance || pathname === paths.billing) return null;
  return (
    <section className="notices" aria-label={t("lowTitle")}>
      <div className="notice-banner billing-low-balance" data-testid="low-balance-warning" role="status">
        <div>
          <strong>{t("lowTitle")}</strong>
          <p>{t("lowBody", { balance: formatMoney(status.data.balanceMicroUsd, locale) })}</p>
        </div>
        <Link to={paths.billing} data-testid="low-balance-link">
          {t("lowLink")}
        </Link>
      </div>
    </section>
  );
}
