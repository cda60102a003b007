// Every route path in one place, so the router and the navigation cannot drift apart.
export const paths = {
  overview: "/",
  keys: "/keys",
  usage: "/usage",
  models: "/models",
  billing: "/billing",
  settings: "/settings",
  settingsProfile: "/settings/profile",
  settingsPrivacy: "/settings/privacy",
  settingsDanger: "/settings/danger",
  policy: "/policy",
  signIn: "/sign-in",
} as const;
