/**
 * `npm run bench` runs every benchmark; `npm run bench -- basket|bundles|ticket-sales|sync` runs one.
 * Each prints its figures; none asserts a time.
 */
import '../local/settings.js';

const benches: Record<string, () => Promise<void>> = {
  basket: async () => (await import('./basket.js')).benchBasket(),
  bundles: async () => (await import('./bundles.js')).benchBundles(),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in benches));
if (unknown.length) {
  console.error(`Unknown benchmark: ${unknown.join(', ')}. Choose from: ${Object.keys(benches).join(', ')}.`);
  process.exit(2);
}
for (const name of wanted.length ? wanted : Object.keys(benches)) await benches[name]?.();
