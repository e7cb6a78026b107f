/**
 * Builders the composition roots share for the publiq side: one token per container, shared by the UiTPAS and
 * UiTdatabank clients of a function. Plain functions with no work at import, so a bundle keeps only the builders its
 * root calls.
 */

import { type EntryClient, entryClientFromConfig } from '../adapters/uitdatabank/client.js';
import { type UitpasClient, uitpasClientFromConfig } from '../adapters/uitpas/client.js';
import { tokenProviderFromConfig } from '../adapters/uitpas/token.js';
import type { PubliqConfig } from '../config.js';

export function uitpasFromConfig(config: PubliqConfig): UitpasClient {
  return uitpasClientFromConfig(config, tokenProviderFromConfig(config));
}

export function uitpasAndEntryFromConfig(config: PubliqConfig): { uitpas: UitpasClient; entry: EntryClient } {
  const tokens = tokenProviderFromConfig(config);
  return { uitpas: uitpasClientFromConfig(config, tokens), entry: entryClientFromConfig(config, tokens) };
}
