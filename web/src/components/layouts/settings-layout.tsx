import { NavLink, Outlet } from "react-router";
import { paths } from "../../config/paths";
import { useMessages } from "../../lib/i18n";
import { layoutMessages } from "./messages";

export function SettingsLayout() {
  const t = useMessages(layoutMessages);
  return (
    <div className="settings-layout">
      <nav aria-label={t("settingsNav")}>
        <ul className="nav-list nav-list-vertical">
          <li>
            <NavLink to={paths.settingsProfile}>{t("profile")}</NavLink>
          </li>
          <li>
            <NavLink to={paths.settingsPrivacy}>{t("privacy")}</NavLink>
          </li>
          <li>
            <NavLink to={paths.settingsDanger}>{t("danger")}</NavLink>
          </li>
        </ul>
      </nav>
      <div className="settings-content">
        <Outlet />
      </div>
    </div>
  );
}
