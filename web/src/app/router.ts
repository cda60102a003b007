import { redirect, type RouteObject } from "react-router";
import { Shell } from "./shell";
import { SettingsLayout } from "../components/layouts/settings-layout";
import { paths } from "../config/paths";
import { BillingRoute } from "./routes/billing";
import { KeysRoute } from "./routes/keys";
import { ModelsRoute } from "./routes/models";
import { NotFoundRoute } from "./routes/not-found";
import { OverviewRoute } from "./routes/overview";
import { PolicyRoute } from "./routes/policy";
import { RouteError } from "./routes/route-error";
import { DangerRoute } from "./routes/settings/danger";
import { PrivacyRoute } from "./routes/settings/privacy";
import { ProfileRoute } from "./routes/settings/profile";
import { SignInRoute } from "./routes/sign-in";
import { UsageRoute } from "./routes/usage";

/** The route tree. Kept free of a router instance so it can also be mounted in a memory router. */
export const routes: RouteObject[] = [
  { path: paths.signIn, Component: SignInRoute, ErrorBoundary: RouteError },
  { path: paths.policy, Component: PolicyRoute, ErrorBoundary: RouteError },
  {
    path: paths.overview,
    Component: Shell,
    children: [
      {
        // Pathless so a failing page renders its error inside the shell.
        ErrorBoundary: RouteError,
        children: [
          { index: true, Component: OverviewRoute },
          { path: paths.keys, Component: KeysRoute },
          { path: paths.usage, Component: UsageRoute },
          { path: paths.models, Component: ModelsRoute },
          { path: paths.billing, Component: BillingRoute },
          {
            path: paths.settings,
            Component: SettingsLayout,
            children: [
              { index: true, loader: () => redirect(paths.settingsProfile) },
              { path: paths.settingsProfile, Component: ProfileRoute },
              { path: paths.settingsPrivacy, Component: PrivacyRoute },
              { path: paths.settingsDanger, Component: DangerRoute },
            ],
          },
          { path: "*", Component: NotFoundRoute },
        ],
      },
    ],
  },
];
