// A partner's system written in Node.js, with no code from Switchboard: it posts CloudEvents to Shop's HTTP intake with
// the cloudevents SDK's HTTP binding (binary content mode, then structured), then an invalid event and a request that is
// not a CloudEvent. It prints one JSON report on stdout: each request's status, and the Consistency-Token of the
// accepted ones.
//
//   node cloudevents-http.mjs <intake-url> <bearer-token> <order-created-json>
import { randomUUID } from 'node:crypto';
import { CloudEvent, HTTP } from 'cloudevents';

const [url, token, template] = process.argv.slice(2);
if (!url || !token || !template) {
  console.error('usage: node cloudevents-http.mjs <intake-url> <bearer-token> <order-created-json>');
  process.exit(2);
}

const source = '/partner/node';
const report = { requests: [] };

async function post(what, headers, body, orderId) {
  const response = await fetch(url, { method: 'POST', headers: { ...headers, authorization: `Bearer ${token}` }, body });
  const text = await response.text();
  report.requests.push({ what, orderId, status: response.status, consistencyToken: response.headers.get('consistency-token'), body: text });
}

function order() {
  const data = JSON.parse(template);
  data.orderId = randomUUID();
  return data;
}

for (const [mode, encode] of [['binary', HTTP.binary], ['structured', HTTP.structured]]) {
  const data = order();
  const event = new CloudEvent({ id: randomUUID(), source, type: 'shop.order-created.v1', datacontenttype: 'application/json', correlationid: data.orderId, data });
  const message = encode(event);
  await post(mode, message.headers, message.body, data.orderId);
}

// Invalid: no source (written by hand: the SDK refuses to make such an event).
await post('no source', { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': randomUUID(), 'ce-type': 'shop.order-created.v1' }, JSON.stringify(order()));
// A type Shop does not know.
const unknown = new CloudEvent({ id: randomUUID(), source, type: 'partner.something-else.v1', data: { hello: 'world' } });
const unknownMessage = HTTP.binary(unknown);
await post('unknown type', unknownMessage.headers, unknownMessage.body);
// Not a CloudEvent at all.
await post('plain json', { 'content-type': 'application/json' }, JSON.stringify(order()));

console.log(JSON.stringify(report, null, 2));
