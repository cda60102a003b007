import { useAccount } from "../../../lib/account-query";
import { formatMoney } from "../../../lib/format";
import { useLocale, useMessages } from "../../../lib/i18n";
import { accountMessages } from "../messages";

const KNOWN_PLANS = new Set(["free", "pro", "team", "internal"]);
type KnownPlan = "free" | "pro" | "team" | "internal";

/** The balance and plan, always visible in the shell's header. */
export function AccountSummary() {
  const t = useMessages(accountMessages);
  const { locale } = useLocale();
  const account = useAccount();
  const data = account.data;
  const planName = (plan: string) => (KNOWN_PLANS.has(plan) ? t(`plan.${plan as KnownPlan}`) : plan);
  return (
    <dl className="account-summary" aria-busy={account.isPending}>
      <div>
        <dt>{t("balance")}</dt>
        <dd data-testid="shell-balance">{data ? formatMoney(data.balanceMicroUsd, locale) : "…"}</dd>
      </div>
      <div>
        <dt>{t("plan")}</dt>
        <dd data-testid="shell-plan">{data ? planName(data.plan) : "…"}</dd>
      </div>
    </dl>
  );
}
