import { createHash } from 'node:crypto';
import { escapeHtml } from './html';

type Json = Record<string, any>;

/**
 * The HTML API reference, rendered on the server from the OpenAPI document: no script, no font,
 * nothing from another origin; the one stylesheet is inline and allowed by its hash.
 */
const STYLESHEET = `
*{box-sizing:border-box}body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2933;background:#f7f8fa}
header{background:#102a43;color:#fff;padding:1.2rem 2rem}header h1{margin:0;font-size:1.4rem}header p{margin:.3rem 0 0;color:#bcccdc;max-width:60rem}
header a{color:#9fd3ff}
.wrap{display:flex;gap:2rem;padding:1.5rem 2rem}nav{flex:0 0 17rem;position:sticky;top:1rem;align-self:flex-start;font-size:.85rem}
nav h3{margin:1rem 0 .3rem;font-size:.8rem;text-transform:uppercase;color:#627d98}nav a{display:block;color:#243b53;text-decoration:none;padding:.1rem 0}
main{flex:1;min-width:0}section.op{background:#fff;border:1px solid #d9e2ec;border-radius:8px;padding:1rem 1.3rem;margin:0 0 1.4rem}
h2{margin:.2rem 0 .4rem;font-size:1.05rem;font-family:ui-monospace,Menlo,monospace;word-break:break-all}h4{margin:1rem 0 .3rem}
.m{display:inline-block;min-width:4.2rem;text-align:center;border-radius:4px;padding:0 .4rem;margin-right:.5rem;color:#fff;font-size:.8rem}
.get{background:#2f855a}.post{background:#2b6cb0}.patch{background:#b7791f}.put{background:#6b46c1}.delete{background:#c53030}
table{border-collapse:collapse;width:100%;font-size:.85rem}th,td{text-align:left;vertical-align:top;border-top:1px solid #e4e7eb;padding:.3rem .5rem}
th{color:#627d98;font-weight:600}code{font-family:ui-monospace,Menlo,monospace;font-size:.85em;background:#f0f4f8;padding:0 .25rem;border-radius:3px}
.req{color:#c53030;font-size:.75rem}.lim{color:#486581}.tag{font-size:.75rem;color:#627d98}.auth{font-size:.8rem;color:#9c4221}
pre{background:#102a43;color:#e0e8f0;padding:.6rem .8rem;border-radius:6px;overflow-x:auto;font:12px/1.45 ui-monospace,Menlo,monospace;margin:.3rem 0 .8rem}
details summary{cursor:pointer;color:#243b53;font-size:.85rem;margin:.3rem 0}
`;
const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLESHEET).digest('base64')}'`;

export const API_REFERENCE_CSP = `default-src 'none'; style-src ${STYLE_HASH}; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

export function renderApiReference(doc: Json): string {
  const ops: { method: string; path: string; op: Json }[] = [];
  for (const [path, item] of Object.entries(doc.paths as Json)) for (const [method, op] of Object.entries(item as Json)) ops.push({ method, path, op });
  const tags: string[] = (doc.tags as { name: string }[]).map((t) => t.name);
  const nav = tags
    .map((tag) => `<h3>${escapeHtml(tag)}</h3>${ops.filter((o) => o.op.tags?.[0] === tag).map((o) => `<a href="#${escapeHtml(o.op.operationId)}">${escapeHtml(o.op.summary)}</a>`).join('')}`)
    .join('');
  const webhooks = Object.entries((doc.webhooks ?? {}) as Json).map(([name, item]) => ({ name, op: item.post as Json }));
  const webhookNav = webhooks.length ? `<h3>Webhooks</h3>${webhooks.map((w) => `<a href="#${escapeHtml(w.name)}">${escapeHtml(w.op.summary)}</a>`).join('')}` : '';
  const webhookBody = webhooks.length ? `<h2 id="webhooks">Webhooks</h2>${webhooks.map((w) => webhookHtml(doc, w.name, w.op)).join('\n')}` : '';
  const body = tags.flatMap((tag) => ops.filter((o) => o.op.tags?.[0] === tag).map((o) => operationHtml(doc, o.method, o.path, o.op))).join('\n') + webhookBody;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Checkout API reference</title>
<style>${STYLESHEET}</style></head>
<body><header><h1>${escapeHtml(doc.info.title)} <small>${escapeHtml(doc.info.version)}</small></h1><p>${linked(doc.info.description)} The machine-readable document: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${escapeHtml(doc.openapi)}).</p></header>
<div class="wrap"><nav>${nav}${webhookNav}</nav><main>${body}</main></div></body></html>`;
}

/** Escaped text with its references to this page's sections (`/docs#webhooks`) as links. */
function linked(text: string): string {
  return escapeHtml(text).replace(/\/docs#(\w+)/g, '<a href="/docs#$1">/docs#$1</a>');
}

function operationHtml(doc: Json, method: string, path: string, op: Json): string {
  const parts = [
    `<section class="op" id="${escapeHtml(op.operationId)}"><h2><span class="m ${method}">${method.toUpperCase()}</span>${escapeHtml(path)}</h2>`,
    `<div><strong>${escapeHtml(op.summary)}</strong> <span class="tag">${escapeHtml(op.operationId)}</span></div>`,
  ];
  if (op.description) parts.push(`<p>${linked(op.description)}</p>`);
  if (op.security) parts.push(`<p class="auth">Authorization: <code>Api-Key &lt;key&gt;</code> or Basic.</p>`);
  if (op.parameters?.length) {
    parts.push('<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>schema</th></tr>');
    for (const p of op.parameters) parts.push(`<tr><td><code>${escapeHtml(p.name)}</code>${p.required ? ' <span class="req">required</span>' : ''}</td><td>${escapeHtml(p.in)}</td><td>${schemaSummary(doc, p.schema)}${p.description ? `<br>${escapeHtml(p.description)}` : ''}</td></tr>`);
    parts.push('</table>');
  }
  if (op.requestBody) {
    const content = op.requestBody.content as Json;
    const types = Object.keys(content);
    const schema = resolve(doc, content[types.includes('multipart/form-data') ? 'multipart/form-data' : types[0]!].schema);
    parts.push(`<h4>Request body</h4><p>${types.map((t) => `<code>${escapeHtml(t)}</code>`).join(' ')}</p>`, fieldsTable(doc, schema));
  }
  parts.push(`<h4>Example request</h4><pre>${escapeHtml(exampleRequest(method, path, op))}</pre>`);
  parts.push('<h4>Responses</h4><table><tr><th>status</th><th>meaning</th><th>body</th></tr>');
  for (const [status, response] of Object.entries(op.responses as Json)) {
    const json = response.content?.['application/json']?.schema;
    const other = response.content ? Object.keys(response.content).filter((t) => t !== 'application/json') : [];
    const bodyText = json ? schemaSummary(doc, json) : other.length ? other.map((t) => `<code>${escapeHtml(t)}</code>`).join(' ') : response.headers?.Location ? 'redirect (<code>Location</code>)' : '';
    parts.push(`<tr><td><code>${escapeHtml(status)}</code></td><td>${escapeHtml(response.description)}</td><td>${bodyText}</td></tr>`);
  }
  parts.push('</table>');
  for (const [status, response] of Object.entries(op.responses as Json)) {
    const example = exampleOf(response);
    if (example !== undefined) parts.push(`<details${/^2/.test(status) ? ' open' : ''}><summary>Example ${escapeHtml(status)} answer</summary><pre>${escapeHtml(example)}</pre></details>`);
  }
  const shown = new Set<string>();
  for (const response of Object.values(op.responses as Json)) {
    const ref = response.content?.['application/json']?.schema?.$ref as string | undefined;
    if (ref === '#/components/schemas/Session' && !shown.has(ref)) {
      shown.add(ref);
      parts.push(`<details><summary>Session fields</summary>${fieldsTable(doc, resolve(doc, { $ref: ref }))}</details>`);
    }
  }
  parts.push('</section>');
  return parts.join('\n');
}

/** The example request as an HTTP message: method, path with its example parameters, headers and body. */
function exampleRequest(method: string, path: string, op: Json): string {
  const params = (op.parameters ?? []) as Json[];
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => String(params.find((p) => p.in === 'path' && p.name === name)?.example ?? `{${name}}`));
  const query = params.filter((p) => p.in === 'query' && p.example !== undefined).map((p) => `${p.name}=${encodeURIComponent(String(p.example))}`);
  const lines = [`${method.toUpperCase()} ${filled}/${query.length ? `?${query.join('&')}` : ''}`];
  if (op.security) lines.push('Authorization: Api-Key <key>');
  for (const p of params.filter((p) => p.in === 'header')) lines.push(`${p.name}: ${p.example}`);
  const content = op.requestBody?.content as Json | undefined;
  if (content) {
    const type = content['application/json'] ? 'application/json' : Object.keys(content)[0]!;
    const example = content[type].example;
    if (type === 'application/x-www-form-urlencoded') lines.push(`Content-Type: ${type}`, '', new URLSearchParams(example as Record<string, string>).toString());
    else lines.push(`Content-Type: ${type}`, '', type === 'application/json' ? JSON.stringify(example, null, 2) : Object.entries(example ?? {}).map(([k, v]) => `${k}=${String(v)}`).join('\n'));
  }
  return lines.join('\n');
}

/** A response's example as text: its JSON body, its page, or its Location. */
function exampleOf(response: Json): string | undefined {
  const media = Object.values((response.content ?? {}) as Json)[0] as Json | undefined;
  if (media && media.example !== undefined) return typeof media.example === 'string' ? media.example : JSON.stringify(media.example, null, 2);
  const location = response.headers?.Location?.example;
  return location === undefined ? undefined : `Location: ${location}`;
}

function webhookHtml(doc: Json, name: string, op: Json): string {
  const content = op.requestBody.content['application/json'];
  const headers = ((op.parameters ?? []) as Json[]).map((p) => `${p.name}: ${p.example}`);
  const examples = Object.entries((content.examples ?? {}) as Json).map(
    ([key, example]) => `<details open><summary>Example: ${escapeHtml(key)}</summary><pre>${escapeHtml(['POST <webhook_url>', 'Content-Type: application/json', ...headers, '', JSON.stringify(example.value, null, 2)].join('\n'))}</pre></details>`,
  );
  return [
    `<section class="op" id="${escapeHtml(name)}"><h2><span class="m post">POST</span>webhook_url</h2>`,
    `<div><strong>${escapeHtml(op.summary)}</strong> <span class="tag">${escapeHtml(name)}</span></div>`,
    `<p>${escapeHtml(op.description)}</p>`,
    '<h4>Body</h4>',
    fieldsTable(doc, resolve(doc, content.schema)),
    ...examples,
    '</section>',
  ].join('\n');
}

function resolve(doc: Json, schema: Json): Json {
  if (schema?.$ref) return doc.components.schemas[String(schema.$ref).split('/').pop()!];
  if (schema?.allOf) {
    const parts = (schema.allOf as Json[]).map((part) => resolve(doc, part));
    return { type: 'object', properties: Object.assign({}, ...parts.map((part) => part.properties)), required: parts.flatMap((part) => part.required ?? []) };
  }
  return schema ?? {};
}

function fieldsTable(doc: Json, schema: Json): string {
  const properties = (schema.properties ?? {}) as Json;
  const required = new Set<string>(schema.required ?? []);
  const rows = Object.entries(properties).map(
    ([name, field]) => `<tr><td><code>${escapeHtml(name)}</code>${required.has(name) ? ' <span class="req">required</span>' : ''}</td><td>${schemaSummary(doc, field)}</td></tr>${nestedRows(doc, name, field)}`,
  );
  return `<table><tr><th>field</th><th>type, limits</th></tr>${rows.join('')}</table>`;
}

/** The fields of a nested object (billing_address, notifications), as `parent.child` rows. */
function nestedRows(doc: Json, parent: string, field: Json): string {
  const object = [field, ...(field.anyOf ?? [])].find((s: Json) => s.properties);
  if (!object) return '';
  const required = new Set<string>(object.required ?? []);
  return Object.entries(object.properties as Json)
    .map(([name, child]) => `<tr><td><code>${escapeHtml(parent)}.${escapeHtml(name)}</code>${required.has(name) ? ' <span class="req">required</span>' : ''}</td><td>${schemaSummary(doc, child)}</td></tr>`)
    .join('');
}

/** One line: type, nullability, enum, limits, format, default, description. */
export function schemaSummary(doc: Json, input: Json): string {
  if (input?.$ref) return `<code>${escapeHtml(String(input.$ref).split('/').pop()!)}</code>`;
  const variants: Json[] = input?.anyOf ?? [input ?? {}];
  const nullable = variants.some((s) => s.type === 'null');
  const main = variants.find((s) => s.type !== 'null') ?? {};
  const type = main.enum ? 'string' : main.type ?? 'any';
  const bits: string[] = [`<code>${escapeHtml(type === 'array' ? `array of ${main.items?.enum ? 'string' : main.items?.type ?? 'any'}` : String(type))}</code>${nullable ? ' or <code>null</code>' : ''}`];
  const limits: string[] = [];
  const limitOf = (s: Json) => {
    if (s.minLength !== undefined) limits.push(`min ${s.minLength} chars`);
    if (s.maxLength !== undefined) limits.push(`max ${s.maxLength} chars`);
    if (s.minItems !== undefined) limits.push(`at least ${s.minItems} item(s)`);
    if (s.format) limits.push(`format ${s.format}`);
    if (s.pattern) limits.push(`pattern <code>${escapeHtml(s.pattern)}</code>`);
    if (s.enum) limits.push(`one of ${s.enum.map((e: unknown) => `<code>${escapeHtml(String(e))}</code>`).join(', ')}`);
  };
  limitOf(main);
  if (main.items) limitOf(main.items);
  if (limits.length) bits.push(`<span class="lim">${limits.join('; ')}</span>`);
  if (main.default !== undefined) bits.push(`default <code>${escapeHtml(JSON.stringify(main.default))}</code>`);
  if (main.examples) bits.push(`e.g. ${main.examples.map((e: unknown) => `<code>${escapeHtml(JSON.stringify(e))}</code>`).join(', ')}`);
  const description = input?.description ?? main.description;
  if (description) bits.push(escapeHtml(description));
  return bits.join(' · ');
}
