/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Origin of the omnizen worker, e.g. "https://api.omnizen.example". Empty or unset: same origin. */
  readonly VITE_API_URL?: string;
}
