import { Link, useLocation } from "react-router";
import { paths } from "../../../config/paths";
import { formatMoney } from "../../../lib/format";
import { useLocale, useMessages } from "../../../lib/i18n";
import { useBillingStatus } from "../api/billing-queries";
import { billingMessages } from "../messages";

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
