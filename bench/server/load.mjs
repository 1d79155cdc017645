/**
 * The load generator of the server benchmark, run as its own process so that it does not share
 * the server's event loop: `node load.mjs <url> <clients> <requests>`. Each of `clients`
 * connections sends requests one after another until `requests` were sent in all; prints
 * `{ ms, latencies, failures }` as JSON. Bounded: it gives up after 120 s.
 */
import { Agent, request } from 'node:http';

const [url, clientsArg, requestsArg] = process.argv.slice(2);
const clients = Number(clientsArg);
const requests = Number(requestsArg);
const agent = new Agent({ keepAlive: true, maxSockets: clients });
const giveUp = setTimeout(() => {
  console.error('load.mjs: gave up after 120 s');
  process.exit(2);
}, 120_000);

function get() {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { agent }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const latencies = [];
let failures = 0;
let sent = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: clients }, async () => {
    while (sent < requests) {
      sent++;
      const at = performance.now();
      const status = await get();
      latencies.push(performance.now() - at);
      if (status !== 200) failures++;
    }
  }),
);
const ms = performance.now() - started;
clearTimeout(giveUp);
agent.destroy();
process.stdout.write(JSON.stringify({ ms, latencies, failures }));
