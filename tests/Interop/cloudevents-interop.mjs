// A storefront written in Node.js, with no code from Switchboard: it places orders in Shop by publishing
// shop.order-created.v1 CloudEvents into Shop's RabbitMQ (binary content mode, then structured), publishes CloudEvents
// that are invalid, and consumes the payment events Shop publishes in answer, validating each as a CloudEvent with the
// cloudevents SDK. It prints one JSON report on stdout and exits 0 only when every order was answered by a valid event.
//
//   node cloudevents-interop.mjs <amqp-uri> <events-exchange> <order-created-json> <timeout-ms>
//
// <order-created-json> is a valid shop.order-created.v1 body; each order gets a fresh orderId.
import amqp from 'amqplib';
import { randomUUID } from 'node:crypto';
import { CloudEvent, HTTP, ValidationError } from 'cloudevents';

const [uri, exchange, template, timeoutText] = process.argv.slice(2);
if (!uri || !exchange || !template) {
  console.error('usage: node cloudevents-interop.mjs <amqp-uri> <events-exchange> <order-created-json> <timeout-ms>');
  process.exit(2);
}

const timeoutMs = Number(timeoutText ?? 60000);
const source = '/storefront/node';
const answers = ['shop.payment-processed.v1', 'shop.payment-failed.v1'];
const report = { published: [], invalidPublished: [], received: [], problems: [] };

const connection = await amqp.connect(uri);
const channel = await connection.createConfirmChannel();
await channel.checkExchange(exchange);

// Our own queue, bound before anything is published, so that no answer can be missed.
const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
for (const type of answers) {
  await channel.bindQueue(queue, exchange, type);
}

const orders = new Map(); // orderId -> the CloudEvent that placed it
function newOrder() {
  const data = JSON.parse(template);
  data.orderId = randomUUID();
  return data;
}

function publish(routingKey, body, properties) {
  return new Promise((resolve, reject) =>
    channel.publish(exchange, routingKey, Buffer.from(body), { persistent: true, ...properties }, (error) => (error ? reject(error) : resolve())));
}

// Binary content mode, AMQP binding: the attributes are application properties prefixed "cloudEvents:", the data is the
// body, datacontenttype is the AMQP content-type.
async function publishBinary(event) {
  const headers = {};
  for (const [name, value] of Object.entries(event)) {
    if (name !== 'data' && name !== 'data_base64' && name !== 'datacontenttype' && value !== undefined) {
      headers[`cloudEvents:${name}`] = String(value);
    }
  }
  await publish(event.type, JSON.stringify(event.data), { contentType: event.datacontenttype, headers });
}

// Structured content mode: the whole event is the body.
async function publishStructured(event) {
  const message = HTTP.structured(event);
  await publish(event.type, message.body, { contentType: message.headers['content-type'] });
}

for (const [mode, send] of [['binary', publishBinary], ['structured', publishStructured]]) {
  const data = newOrder();
  const event = new CloudEvent({
    id: randomUUID(),
    source,
    type: 'shop.order-created.v1',
    subject: `order/${data.orderId}`,
    datacontenttype: 'application/json',
    correlationid: data.orderId,
    data,
  });
  orders.set(data.orderId, event);
  await send(event);
  report.published.push({ mode, id: event.id, orderId: data.orderId });
}

// Invalid CloudEvents: Shop must dead-letter them with the reason, and handle the valid ones all the same.
const invalid = newOrder();
const missingSource = randomUUID();
await publish('shop.order-created.v1', JSON.stringify(invalid), {
  contentType: 'application/json',
  headers: { 'cloudEvents:specversion': '1.0', 'cloudEvents:id': missingSource, 'cloudEvents:type': 'shop.order-created.v1' },
});
report.invalidPublished.push({ why: 'no source', id: missingSource });
const wrongVersion = randomUUID();
await publish('shop.order-created.v1', JSON.stringify({ specversion: '0.3', id: wrongVersion, source, type: 'shop.order-created.v1', data: invalid }), {
  contentType: 'application/cloudevents+json; charset=utf-8',
});
report.invalidPublished.push({ why: 'spec version 0.3', id: wrongVersion });

function text(value) {
  return Buffer.isBuffer(value) ? value.toString('utf8') : value === undefined || value === null ? undefined : String(value);
}

// Reads a delivery as a CloudEvent in whichever content mode it came, validating it with the SDK.
function toCloudEvent(message) {
  const contentType = message.properties.contentType ?? '';
  if (contentType.startsWith('application/cloudevents+json')) {
    return HTTP.toEvent({ headers: { 'content-type': contentType }, body: message.content.toString('utf8') });
  }
  const attributes = {};
  for (const [name, value] of Object.entries(message.properties.headers ?? {})) {
    if (name.startsWith('cloudEvents:')) {
      attributes[name.slice('cloudEvents:'.length)] = text(value);
    }
  }
  return new CloudEvent({ ...attributes, datacontenttype: contentType, data: JSON.parse(message.content.toString('utf8')) });
}

const answered = new Promise((resolve) => {
  channel.consume(queue, (message) => {
    if (message === null) {
      return;
    }
    channel.ack(message);
    let event;
    try {
      event = toCloudEvent(message);
    } catch (error) {
      report.problems.push(`a delivery with routing key ${message.fields.routingKey} is not a valid CloudEvent: ${error instanceof ValidationError ? JSON.stringify(error.errors) : error.message}`);
      return;
    }
    const orderId = event.data?.orderId;
    if (!orders.has(orderId)) {
      return; // an answer to someone else's order
    }
    report.received.push({ type: event.type, id: event.id, source: event.source, time: event.time, specversion: event.specversion, correlationid: event.correlationid, orderId });
    if (event.specversion !== '1.0' || !event.source.startsWith('/shop')) {
      report.problems.push(`unexpected attributes on ${event.id}: specversion ${event.specversion}, source ${event.source}`);
    }
    if (new Set(report.received.map((r) => r.orderId)).size === orders.size) {
      resolve();
    }
  });
});

const timedOut = new Promise((resolve) => setTimeout(() => resolve('timeout'), timeoutMs));
if ((await Promise.race([answered, timedOut])) === 'timeout') {
  report.problems.push(`not every order was answered within ${timeoutMs} ms`);
}

console.log(JSON.stringify(report, null, 2));
await channel.close();
await connection.close();
process.exit(report.problems.length === 0 ? 0 : 1);
