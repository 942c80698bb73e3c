// Validates an AsyncAPI document with the official parser (@asyncapi/parser): prints every diagnostic with its
// severity, code and path, then one summary line of JSON; exits 1 when a diagnostic is an error (or the file cannot be
// read or parsed at all), else 0. Run by the .NET tests against what Shop serves and what the CLI writes.
//
//   node validate-asyncapi.mjs path/to/asyncapi.json
import { readFile } from 'node:fs/promises';
import { Parser, DiagnosticSeverity } from '@asyncapi/parser';

const file = process.argv[2];
if (!file) {
  console.error('usage: node validate-asyncapi.mjs DOCUMENT.json');
  process.exit(2);
}

const severities = { [DiagnosticSeverity.Error]: 'error', [DiagnosticSeverity.Warning]: 'warning', [DiagnosticSeverity.Information]: 'info', [DiagnosticSeverity.Hint]: 'hint' };
const text = await readFile(file, 'utf8');
const { document, diagnostics } = await new Parser().parse(text, { source: file });
for (const d of diagnostics) {
  const where = d.path.length === 0 ? '$' : '$.' + d.path.join('.');
  console.log(`${severities[d.severity] ?? d.severity} ${d.code} at ${where}: ${d.message}`);
}

const errors = diagnostics.filter(d => d.severity === DiagnosticSeverity.Error).length;
console.log(JSON.stringify({
  valid: document !== undefined && errors === 0,
  errors,
  diagnostics: diagnostics.length,
  version: document?.version(),
  channels: document?.channels().length ?? 0,
  operations: document?.operations().length ?? 0,
  messages: document?.components().messages().length ?? 0,
}));
process.exit(document !== undefined && errors === 0 ? 0 : 1);
