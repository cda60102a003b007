import { useAccount } from "../../../lib/account-query";
import { formatMicroUsd } from "../../../lib/format";
import { useMessages } from "../../../lib/i18n";
import { accountMessages } from "../messages";

/** The balance and plan, always visible in the shell's header. */
export function AccountSummary() {
  const t = useMessages(accountMessages);
  const account = useAccount();
  const data = account.data;
  return (
    <dl className="account-summary" aria-busy={account.isPending}>
      <div>
        <dt>{t("balance")}</dt>
        <dd data-testid="shell-balance">{data ? formatMicroUsd(data.balanceMicroUsd) : "…"}</dd>
      </div>
      <div>
        <dt>{t("plan")}</dt>
        <dd data-testid="shell-plan">{data ? data.plan : "…"}</dd>
      </div>
    </dl>
  );
}
