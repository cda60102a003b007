import { NavLink, Outlet } from "react-router";
import { paths } from "../../config/paths";

export function SettingsLayout() {
  return (
    <div className="settings-layout">
      <nav aria-label="Settings">
        <ul className="nav-list nav-list-vertical">
          <li>
            <NavLink to={paths.settingsProfile}>Profile</NavLink>
          </li>
          <li>
            <NavLink to={paths.settingsPrivacy}>Privacy</NavLink>
          </li>
        </ul>
      </nav>
      <div className="settings-content">
        <Outlet />
      </div>
    </div>
  );
}
