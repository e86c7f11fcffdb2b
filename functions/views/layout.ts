import { createHash } from 'node:crypto';
import { html, SafeHtml } from './html';

/**
 * The page shell and its one small stylesheet. The stylesheet is inline and allowed by its hash
 * in the Content-Security-Policy: one request per page, no third-party assets, no scripts.
 */

const STYLESHEET = `
:root{--ink:#182230;--muted:#5d6b7e;--line:#e1e6ee;--bg:#f2f5f9;--panel:#fff;--accent:#1a56db;--accent-dark:#1442ad;--ok:#067647;--ok-bg:#ecfdf3;--bad:#b42318;--bad-bg:#fef3f2;--bad-line:#fecdca;--info:#175cd3;--info-bg:#eff8ff;--info-line:#b2ddff}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic",Tahoma,"DejaVu Sans",sans-serif}
main{max-width:30rem;margin:0 auto;padding:1rem 1rem 1.5rem}
.top{display:flex;align-items:center;justify-content:space-between;gap:.5rem;padding:.25rem .25rem 1rem;color:var(--muted);font-size:.875rem}
.top strong{color:var(--ink);font-size:1rem}
.lock{display:inline-flex;align-items:center;gap:.3rem}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:14px;padding:1.25rem;margin-bottom:1rem;box-shadow:0 1px 3px rgba(16,24,40,.06)}
.label{color:var(--muted);font-size:.8125rem;text-transform:uppercase;letter-spacing:.04em;margin:0}
.amount{font-size:2.25rem;font-weight:700;line-height:1.2;margin:.15rem 0 0;letter-spacing:-.01em}
.amount .cur{font-size:1.05rem;font-weight:600;color:var(--muted);margin-inline-start:.35rem}
.details{display:grid;grid-template-columns:auto 1fr;gap:.45rem 1rem;margin:1rem 0 0;padding-top:1rem;border-top:1px solid var(--line);font-size:.9375rem}
.details dt{color:var(--muted);white-space:nowrap}
.details dd{margin:0;text-align:end;font-weight:500;overflow-wrap:anywhere}
.nowrap{white-space:nowrap}
a{color:var(--accent)}
h1{font-size:1.25rem;margin:0 0 1rem}
fieldset{border:0;padding:0;margin:0 0 1.1rem;min-width:0}
legend,label{display:block;font-weight:600;font-size:.875rem;margin-bottom:.4rem;padding:0}
.method{display:flex;align-items:center;gap:.75rem;border:1px solid var(--line);border-radius:10px;padding:.7rem .85rem;margin-bottom:.5rem;font-weight:500;cursor:pointer}
.method:has(input:checked){border-color:var(--accent);box-shadow:0 0 0 1px var(--accent);background:#f7f9ff}
.method input{margin:0;accent-color:var(--accent);width:1.1rem;height:1.1rem}
.method img{width:40px;height:26px;flex:none}
.method .fee{margin-inline-start:auto;color:var(--muted);font-size:.8125rem;font-weight:400}
.field{margin-bottom:1rem}
.row{display:grid;grid-template-columns:1fr 1fr;gap:.75rem;align-items:end}
input[type=text],input[type=password]{width:100%;font:inherit;font-size:1rem;padding:.7rem .85rem;border:1px solid #c4ccd8;border-radius:9px;background:#fff;color:var(--ink)}
input[type=text]:focus,input[type=password]:focus{outline:2px solid var(--accent);outline-offset:1px;border-color:var(--accent)}
.ltr-input{direction:ltr;text-align:left}
[dir=rtl] .ltr-input{text-align:right}
.invalid input{border-color:var(--bad);background:var(--bad-bg)}
.error{color:var(--bad);font-size:.8125rem;margin:.3rem 0 0}
button{width:100%;font:inherit;font-weight:700;font-size:1.05rem;padding:.9rem;border:0;border-radius:10px;background:var(--accent);color:#fff;cursor:pointer}
button:hover,button:focus-visible{background:var(--accent-dark)}
.button{display:block;text-align:center;text-decoration:none;font-weight:700;padding:.85rem;border-radius:10px;background:var(--accent);color:#fff;margin-top:1.25rem}
.note{color:var(--muted);font-size:.8125rem;text-align:center;margin:.75rem 0 0}
.notice{border-radius:10px;padding:.75rem 1rem;margin-bottom:1rem;font-size:.9375rem;border:1px solid}
.notice p{margin:0}
.notice p+p{margin-top:.25rem;font-size:.875rem}
.notice.bad{background:var(--bad-bg);color:var(--bad);border-color:var(--bad-line)}
.notice.info{background:var(--info-bg);color:var(--info);border-color:var(--info-line)}
.hint{font-size:.8125rem;color:#7a4b00;background:#fffaeb;border:1px dashed #f7b955;border-radius:10px;padding:.7rem .85rem;margin-bottom:1.1rem}
.hint p{margin:0}
.hint ul{margin:.3rem 0 0;padding-inline-start:1.1rem}
.status{text-align:center}
.status h1{margin:.25rem 0 .35rem}
.status p{margin:0;color:var(--muted)}
.status .details{text-align:start}
.badge{width:3.5rem;height:3.5rem;border-radius:50%;display:flex;align-items:center;justify-content:center;margin:0 auto .5rem}
.badge svg{width:1.75rem;height:1.75rem}
.badge.ok{background:var(--ok-bg);color:var(--ok)}
.badge.bad{background:var(--bad-bg);color:var(--bad)}
.badge.muted{background:#eef1f5;color:var(--muted)}
.attempts{list-style:none;margin:0;padding:0;font-size:.875rem}
.attempts li{display:grid;grid-template-columns:1fr auto;gap:.15rem .75rem;padding:.6rem 0;border-top:1px solid var(--line)}
.attempts li>:nth-child(even){text-align:end}
.attempts li:first-child{border-top:0}
.result-success{color:var(--ok);font-weight:600}
.result-failed,.result-error{color:var(--bad);font-weight:600}
.result-pending{color:var(--info);font-weight:600}
.hosted{margin-bottom:1.25rem}
.save-card{display:flex;gap:.5rem;align-items:center;margin:0 0 .75rem;font-size:.875rem}
.muted{color:var(--muted)}
h2{font-size:.9375rem;margin:0 0 .5rem}
@media (max-width:480px){main{padding:.75rem .75rem 1.25rem}.panel{padding:1.1rem 1rem}.details{font-size:.9rem;column-gap:.75rem}}
`;

const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLESHEET).digest('base64')}'`;

/**
 * The page policy: nothing but this stylesheet and same-origin images; forms post only here and
 * to `formTargets` (Chromium also applies form-action to the redirect that follows a post, so
 * the merchant's redirect_url origin must be listed for the 303 after a payment).
 */
export function contentSecurityPolicy(formTargets: readonly string[] = []): string {
  return [
    "default-src 'none'",
    `style-src ${STYLE_HASH}`,
    "img-src 'self'",
    ["form-action 'self'", ...formTargets].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/**
 * The policy of the page that hands the customer to a hosted gateway: the gateway's own script
 * (from its one host) and our inline call to it (by its hash), nothing else of ours.
 */
export function gatewayPagePolicy(gatewayOrigin: string, inlineScript: string): string {
  const scriptHash = `'sha256-${createHash('sha256').update(inlineScript).digest('base64')}'`;
  return [
    "default-src 'none'",
    `script-src ${gatewayOrigin} ${scriptHash}`,
    `style-src ${STYLE_HASH}`,
    `connect-src ${gatewayOrigin}`,
    // The gateway's script may post a form to its own page.
    `form-action ${gatewayOrigin}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export interface PageShell {
  lang: string;
  dir: 'ltr' | 'rtl';
  title: string;
  /** Top-bar text (the merchant's name when known). */
  heading: string;
  secureLabel: string;
  body: SafeHtml;
}

export function renderPage({ lang, dir, title, heading, secureLabel, body, head }: PageShell & { head?: SafeHtml }): string {
  return (
    '<!doctype html>\n' +
    html`<html lang="${lang}" dir="${dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${title}</title>
<style>${new SafeHtml(STYLESHEET)}</style>
${head ?? null}
</head>
<body>
<main>
<div class="top"><strong>${heading}</strong><span class="lock">${icons.lock}${secureLabel}</span></div>
${body}
</main>
</body>
</html>
`.value
  );
}

/** Inline SVG icons (markup, not scripts: allowed by the policy). */
export const icons = {
  lock: svg('<rect x="5" y="11" width="14" height="10" rx="2"/><path d="M8 11V8a4 4 0 0 1 8 0v3"/>', 14),
  check: svg('<path d="M5 12.5l4.5 4.5L19 7.5"/>'),
  cross: svg('<path d="M7 7l10 10M17 7L7 17"/>'),
  clock: svg('<circle cx="12" cy="12" r="8.5"/><path d="M12 7.5V12l3 2"/>'),
  info: svg('<circle cx="12" cy="12" r="8.5"/><path d="M12 11v5M12 8h.01"/>'),
};

function svg(paths: string, size = 24): SafeHtml {
  // Our own constant markup, so it is trusted as is.
  return new SafeHtml(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="${size}" height="${size}" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">${paths}</svg>`,
  );
}
