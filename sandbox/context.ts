import type { TokenStore } from './auth.js';
import type { SandboxState } from './state.js';

/** What the route modules need from the running sandbox. */
export interface SandboxContext {
  state: SandboxState;
  tokens: TokenStore;
  clientId: string;
  /** `http://127.0.0.1:PORT` (known once the server listens); `@id` URIs are built from it. */
  baseUrl: () => string;
}
