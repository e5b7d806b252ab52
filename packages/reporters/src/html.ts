import type { CheckResult, ClauseResult, Exchange, RunReport } from '@council-conform/runner';
import { dataQualityIntro, dataQualityRows } from './data-quality.ts';
import { escapeXml as h } from './escape.ts';
import {
  CLAUSE_STATUS_TEXT,
  checksOf,
  citedExchangeIds,
  countsLine,
  expectedFailureText,
  judgedBy,
  levelText,
  notJudgedLines,
  partialRunText,
  sentence,
} from './summary.ts';

// Past this many exchanges only those a check cites carry their previews; the JSON report has them all.
const PREVIEW_ALL_UP_TO = 300;

const CSS = `
:root{color-scheme:light;--ink:#0b0c0c;--muted:#484949;--line:#b1b4b6;--pass:#00703c;--fail:#b00020;--warn:#7a4b00;--error:#6f2c91;--na:#484949;--bg:#f3f2f1}
*{box-sizing:border-box}
body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Arial,sans-serif;color:var(--ink);background:#fff}
.skip{position:absolute;left:-9999px}.skip:focus{left:1rem;top:1rem;background:#ffdd00;padding:.5rem;z-index:1}
header,main{max-width:72rem;margin:0 auto;padding:1rem 1.5rem}
header{border-bottom:4px solid var(--ink)}
h1{font-size:2rem;margin:.5rem 0}h2{font-size:1.5rem;margin-top:2.5rem;border-bottom:1px solid var(--line)}h3{font-size:1.25rem;margin-top:2rem}h4{font-size:1.05rem;margin:0}
a{color:#1d70b8}a:focus{outline:3px solid #ffdd00;background:#ffdd00;color:var(--ink)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dl.facts dt{font-weight:600}dl.facts dd{margin:0}
.verdict{border-left:8px solid var(--line);background:var(--bg);padding:1rem 1.25rem;margin:1rem 0}
.verdict.yes{border-color:var(--pass)}.verdict.no{border-color:var(--fail)}
.verdict p{margin:.25rem 0;font-size:1.15rem}
table{border-collapse:collapse;width:100%;margin:1rem 0}caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border-bottom:1px solid var(--line);padding:.4rem .5rem;text-align:left;vertical-align:top}thead th{background:var(--bg)}tbody th{font-weight:400}
.status{display:inline-block;font-weight:700;padding:0 .4rem;border:2px solid currentColor;border-radius:3px;white-space:nowrap}
.s-pass{color:var(--pass)}.s-fail{color:var(--fail)}.s-warn{color:var(--warn)}.s-error{color:var(--error)}.s-not-judged{color:var(--warn)}.s-not-applicable,.s-none{color:var(--na)}.s-attested{color:#1d70b8}
.check{border:1px solid var(--line);border-left-width:6px;padding:.75rem 1rem;margin:.75rem 0}
.check.s-pass{border-left-color:var(--pass)}.check.s-fail{border-left-color:var(--fail)}.check.s-warn{border-left-color:var(--warn)}.check.s-error{border-left-color:var(--error)}
.check>*{color:var(--ink)}.check .meta{color:var(--muted);font-size:.9rem;margin:.25rem 0}
.attested{background:var(--bg);padding:.75rem 1rem;border-left:6px solid #1d70b8}
pre{background:var(--bg);padding:.75rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all;font-size:.85rem}
details{border-bottom:1px solid var(--line);padding:.25rem 0}summary{cursor:pointer}
code{font-size:.9em;word-break:break-all}
@media print{details{border:0}details>*{display:block}.skip{display:none}}
`;

function status(value: string, label = value): string {
  return `<span class="status s-${h(value)}">${h(label)}</span>`;
}

function clauseStatusClass(clause: ClauseResult): string {
  if (clause.status === 'attested') return 'attested';
  if (clause.status === 'pass') return 'pass';
  if (clause.status === 'fail') return 'fail';
  if (clause.status === 'incomplete') return 'error';
  if (clause.status === 'partial' || clause.status === 'not-attested' || clause.status === 'not-judged')
    return 'warn';
  return 'none';
}

const exchangeLink = (id: string) => `<a href="#${h(id)}"><code>${h(id)}</code></a>`;

function summary(report: RunReport): string {
  const reasons =
    report.certifiableReasons.length > 0
      ? `<ul>${report.certifiableReasons.map((r) => `<li>${h(r)}</li>`).join('')}</ul>`
      : '';
  return `<section aria-labelledby="summary"><h2 id="summary">Summary</h2>
<div class="verdict ${report.certifiable ? 'yes' : 'no'}">
<p>Level reached: <strong>${h(levelText(report))}</strong></p>
<p>Certifiable: <strong>${report.certifiable ? 'yes' : 'no'}</strong>${report.certifiable ? ': a certifier may sign this run.' : ', because:'}</p>${reasons}
${report.partial ? `<p>${h(partialRunText(report) ?? '')}</p>` : ''}
${
  report.notJudged.length > 0
    ? `<p>Not judged by this run, and what to give it:</p><ul>${notJudgedLines(report)
        .map((line) => `<li>${h(line)}</li>`)
        .join('')}</ul>`
    : ''
}
</div>
<dl class="facts">
<dt>Supplier API</dt><dd><code>${h(report.target.url)}</code></dd>
<dt>Profile</dt><dd><code>${h(report.profile.id)}</code> version ${h(report.profile.version)}</dd>
<dt>Profile SHA-256</dt><dd><code>${h(report.profile.sha256)}</code></dd>
<dt>Mode</dt><dd>${h(report.target.mode)}${report.target.mode === 'sandbox' ? ' (writes, bursts and exports tested)' : ' (safe methods only)'}</dd>
<dt>Declared optional features</dt><dd>${report.target.features.length > 0 ? report.target.features.map((f) => `<code>${h(f)}</code>`).join(', ') : 'none'}</dd>
<dt>Checks</dt><dd>${report.checks.length}: ${h(countsLine(report.checks))}</dd>
<dt>Requests</dt><dd>${report.requests}</dd>
<dt>Run</dt><dd>${h(report.startedAt)} to ${h(report.finishedAt)} (${(report.durationMs / 1000).toFixed(1)} s)</dd>
<dt>Runner</dt><dd>${h(report.runner.name)} ${h(report.runner.version)}, report format ${h(report.reportVersion)}</dd>
<dt>Sampling seed</dt><dd><code>${h(report.sampling.seed)}</code> (<code>--seed</code> replays the run’s samples)</dd>
</dl></section>`;
}

function clauseTable(report: RunReport): string {
  const rows = report.clauses.map((clause) => {
    const checks = checksOf(report, clause);
    return `<tr><td>${clause.number}</td><th scope="row"><a href="#clause-${h(clause.id)}">${h(clause.title)}</a> <code>${h(clause.id)}</code></th><td>${status(clauseStatusClass(clause), CLAUSE_STATUS_TEXT[clause.status])}</td><td>${h(judgedBy(clause))}</td><td>${checks.length > 0 ? h(countsLine(checks)) : '—'}</td></tr>`;
  });
  return `<section aria-labelledby="clauses"><h2 id="clauses">Clauses</h2>
<p>A clause passes when all its <em>must</em> checks pass. Clauses a machine cannot judge are read from the supplier’s signed attestation and shown as attested, never as passed by test.</p>
<table><caption>The ${report.clauses.length} clauses of the Local Gov Digital Procurement Checklist</caption>
<thead><tr><th scope="col">#</th><th scope="col">Clause</th><th scope="col">Status</th><th scope="col">Judged by</th><th scope="col">Checks</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></section>`;
}

function dataQualitySection(report: RunReport): string {
  const datasets = report.dataQuality?.datasets ?? [];
  if (datasets.length === 0) return '';
  const tables = datasets.map((dataset) => {
    const rows = dataQualityRows(dataset).map(
      (row) => `<tr><th scope="row">${h(row.measure)}</th><td>${h(row.found)}</td></tr>`,
    );
    return `<table><caption>${h(dataset.title)} <code>${h(dataset.dataset)}</code></caption><thead><tr><th scope="col">Measure</th><th scope="col">Found</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  });
  return `<section aria-labelledby="data-quality"><h2 id="data-quality">Data quality</h2>
<p>${h(dataQualityIntro(report))}</p>
${tables.join('\n')}</section>`;
}

function checkBlock(check: CheckResult): string {
  const parts = [
    `<article class="check s-${h(check.status)}" id="check-${h(check.id)}" aria-labelledby="check-${h(check.id)}-h">`,
    `<h4 id="check-${h(check.id)}-h">${status(check.status)} <code>${h(check.id)}</code>: ${h(check.title)}</h4>`,
    `<p class="meta">${h(check.severity)} · ${check.durationMs} ms</p>`,
    `<p>${h(check.message)}</p>`,
    ...(check.toJudge ? [`<p>To judge it, give ${h(check.toJudge)}.</p>`] : []),
    ...(check.expectedFailure
      ? [`<p><strong>${h(sentence(expectedFailureText(check) ?? ''))}</strong></p>`]
      : []),
    ...(check.judged ? [`<p class="meta">Judged ${check.judged.count} ${h(check.judged.of)}.</p>`] : []),
  ];
  for (const group of check.violations ?? []) {
    const rows = group.examples.map(
      (e) =>
        `<tr><td>${h(e.message)}</td><td>${e.location ? `<code>${h(e.location)}</code>` : ''}</td><td>${e.exchangeId ? exchangeLink(e.exchangeId) : ''}</td></tr>`,
    );
    parts.push(
      `<table><caption>${h(group.kind)}: seen ${group.count} time${group.count === 1 ? '' : 's'}${group.examples.length < group.count ? `, the first ${group.examples.length} shown` : ''}</caption><thead><tr><th scope="col">Example</th><th scope="col">Where</th><th scope="col">Evidence</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    );
  }
  const evidence = citedExchangeIds(check);
  if (evidence.length > 0) parts.push(`<p>Evidence: ${evidence.map(exchangeLink).join(', ')}</p>`);
  if (check.rerunCommand)
    parts.push(`<p>Run just this check again:</p><pre><code>${h(check.rerunCommand)}</code></pre>`);
  if (check.data && Object.keys(check.data).length > 0)
    parts.push(
      `<details><summary>Facts</summary><pre>${h(JSON.stringify(check.data, null, 2))}</pre></details>`,
    );
  parts.push('</article>');
  return parts.join('\n');
}

function clauseSections(report: RunReport): string {
  const sections = report.clauses.map((clause) => {
    const checks = checksOf(report, clause);
    const parts = [
      `<section aria-labelledby="clause-${h(clause.id)}"><h3 id="clause-${h(clause.id)}">${clause.number}. ${h(clause.title)} ${status(clauseStatusClass(clause), CLAUSE_STATUS_TEXT[clause.status])}</h3>`,
      `<p>Judged by ${h(judgedBy(clause))}.</p>`,
    ];
    if (clause.assessment !== 'automated') {
      parts.push(
        clause.attested
          ? `<div class="attested"><p><strong>Attested by the supplier</strong> (not tested): ${h(clause.attested.statement)}</p>${clause.attested.evidence?.length ? `<p>Evidence: ${clause.attested.evidence.map((e) => h(e)).join('; ')}</p>` : ''}</div>`
          : '<div class="attested"><p>No attestation was given for this clause.</p></div>',
      );
    }
    if (checks.length > 0) parts.push(checks.map(checkBlock).join('\n'));
    parts.push('</section>');
    return parts.join('\n');
  });
  return `<section aria-labelledby="checks"><h2 id="checks">Checks by clause</h2>\n${sections.join('\n')}</section>`;
}

function preflightSection(report: RunReport): string {
  const rows = report.preflight.map(
    (step) =>
      `<tr><th scope="row">${h(step.step)}</th><td>${status(step.ok ? 'pass' : step.warning ? 'warn' : 'fail', step.ok ? 'ok' : step.warning ? 'warning' : 'failed')}</td><td>${h(step.message ?? '')}</td></tr>`,
  );
  return `<section aria-labelledby="preflight"><h2 id="preflight">Pre-flight</h2>
<table><caption>Verified before any check ran</caption><thead><tr><th scope="col">Step</th><th scope="col">Result</th><th scope="col">Detail</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function attestationSection(report: RunReport): string {
  const a = report.attestation;
  if (!a)
    return '<section aria-labelledby="attestation"><h2 id="attestation">Supplier attestation</h2><p>None was given: clauses judged by attestation are not attested.</p></section>';
  return `<section aria-labelledby="attestation"><h2 id="attestation">Supplier attestation</h2>
<dl class="facts"><dt>Supplier</dt><dd>${h(a.supplier)}</dd><dt>Product</dt><dd>${h(a.product)}</dd><dt>Signed by</dt><dd>${h(a.signedBy.name)}, ${h(a.signedBy.role)}</dd><dt>Date</dt><dd>${h(a.date)}</dd><dt>Statements</dt><dd>${a.statements.length} (${a.statements.map((s) => `<code>${h(s.clause)}</code>`).join(', ')})</dd></dl></section>`;
}

function headerLines(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
}

function exchangeBlock(exchange: Exchange, withPreview: boolean): string {
  const outcome = exchange.response
    ? String(exchange.response.status)
    : exchange.observation
      ? exchange.observation
      : exchange.error
        ? exchange.error.code
        : 'no answer';
  const title = `<code>${h(exchange.id)}</code> ${h(exchange.request.method)} <code>${h(exchange.request.url)}</code> → ${h(outcome)} (${exchange.durationMs} ms)${exchange.note ? ` — ${h(exchange.note)}` : ''}`;
  if (!withPreview) return `<li id="${h(exchange.id)}">${title}</li>`;
  const request = `${exchange.request.method} ${exchange.request.url}\n${headerLines(exchange.request.headers)}${exchange.request.bodyPreview ? `\n\n${exchange.request.bodyPreview}` : ''}`;
  const response = exchange.response
    ? `HTTP ${exchange.response.status} (${exchange.response.bytes} bytes)\n${headerLines(exchange.response.headers)}\n\n${exchange.response.bodyPreview}`
    : `${exchange.error?.code ?? 'NO_ANSWER'}: ${exchange.error?.message ?? ''}`;
  const curl = exchange.curl
    ? `\n<p>Send it again (the credential read from the environment variable named)</p><pre><code>${h(exchange.curl)}</code></pre>`
    : '';
  return `<li><details id="${h(exchange.id)}"><summary>${title}</summary>
<p>Request</p><pre>${h(request)}</pre>
<p>${exchange.response ? 'Response' : 'Error'}</p><pre>${h(response)}</pre>${curl}</details></li>`;
}

function exchangesSection(report: RunReport): string {
  const cited = new Set(report.checks.flatMap(citedExchangeIds));
  const all = report.exchanges.length <= PREVIEW_ALL_UP_TO;
  return `<section aria-labelledby="exchanges"><h2 id="exchanges">HTTP exchanges</h2>
<p>Every request made to the supplier API, with secrets and personal values redacted before they were recorded.${all ? '' : ` Previews are shown for the ${cited.size} exchanges the checks cite; the JSON report has them all.`}</p>
<ul>${report.exchanges.map((e) => exchangeBlock(e, all || cited.has(e.id))).join('\n')}</ul></section>`;
}

/**
 * A self-contained HTML report a council officer can read: no scripts, no external assets, every value
 * escaped, readable without colour (every status is written out), printable.
 */
export function formatHtml(report: RunReport): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>Council Conform report: ${h(report.profile.id)}, ${h(report.target.url)}</title>
<style>${CSS}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the report</a>
<header>
<p>Council Conform report</p>
<h1>${h(report.profile.id)} ${h(report.profile.version)}: ${h(report.target.url)}</h1>
<nav aria-label="Sections"><a href="#summary">Summary</a> · <a href="#clauses">Clauses</a>${report.dataQuality?.datasets.length ? ' · <a href="#data-quality">Data quality</a>' : ''} · <a href="#checks">Checks</a> · <a href="#preflight">Pre-flight</a> · <a href="#attestation">Attestation</a> · <a href="#exchanges">Exchanges</a></nav>
</header>
<main id="main">
${summary(report)}
${clauseTable(report)}
${dataQualitySection(report)}
${clauseSections(report)}
${preflightSection(report)}
${attestationSection(report)}
${exchangesSection(report)}
</main>
</body>
</html>
`;
}
