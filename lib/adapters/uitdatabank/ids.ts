/**
 * UiTdatabank identifiers are pure rules and live in lib/domain; the clients and their callers keep importing them
 * from here.
 */
export {
  idFromUri,
  isUitdatabankId,
  parseUitdatabankUri,
  type UitdatabankKind,
  uitdatabankUri,
} from '../../domain/uitdatabank-ids.js';
