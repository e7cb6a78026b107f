/**
 * The paging limits of UiTdatabank's Search API: a query reads at most `SEARCH_LIMIT_MAX` events per page and never
 * past `start` `SEARCH_START_MAX`. The client refuses requests beyond them; the sync's change feed pages within them.
 */

export const SEARCH_START_MAX = 10_000;
export const SEARCH_LIMIT_MAX = 2_000;
