/**
 * `npm run bench` runs the basket, ticket-sale, bundle and cold-start benchmarks; `npm run bench -- basket|bundles|
 * cold-start|ticket-sales|sync|reconciliation` runs one.
 * Each prints its figures; none asserts a time.
 */
import '../local/settings.js';

// The handlers count what they do as EMF lines on stdout; here they would bury the figures.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
// And their log lines (a run's warning about the discrepancies it planted, say): only errors are shown.
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';

const benches: Record<string, () => Promise<void>> = {
  basket: async () => (await import('./basket.js')).benchBasket(),
  bundles: async () => (await import('./bundles.js')).benchBundles(),
  'cold-start': async () => (await import('./cold-start.js')).benchColdStart(),
  'ticket-sales': async () => (await import('./ticket-sales.js')).benchTicketSales(),
  sync: async () => (await import('./sync.js')).benchSync(),
  reconciliation: async () => (await import('./reconciliation.js')).benchReconciliation(),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in benches));
if (unknown.length) {
  console.error(`Unknown benchmark: ${unknown.join(', ')}. Choose from: ${Object.keys(benches).join(', ')}.`);
  process.exit(2);
}
/** The sync and reconciliation benchmarks seed 10,000 items and more: they run only when asked for. */
const DEFAULT = ['basket', 'ticket-sales', 'bundles', 'cold-start'].filter((name) => name in benches);
for (const name of wanted.length ? wanted : DEFAULT) await benches[name]?.();
