package dev.airlock.audit;

import dev.airlock.core.Json;
import dev.airlock.crypto.Keys;
import java.io.IOException;
import java.io.Writer;
import java.security.PublicKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTML audit report ({@code audit export --format html}), written for an auditor: a summary
 * first (period, appliance, signed checkpoint, counts and a small chart), then one line per event
 * in a table that sorts and filters in the page, with each event's full record folded away.
 *
 * <p>The page is self-contained: inline CSS and script, an inline SVG chart, no external resource,
 * and a Content-Security-Policy that forbids fetching anything, so opening it never touches the
 * network. It is for reading; the evidence is the JSONL export ({@code audit verify}). Printed, the
 * controls and folded details are left out so that 30 events fit a few pages.
 */
final class AuditHtml {
  private AuditHtml() {}

  /** A digest as airlock writes them, or a bare SHA-256 hex (hashes, key ids). */
  private static final Pattern DIGEST = Pattern.compile("(sha256:)?([0-9a-f]{64})");

  /** Summary categories, in the order shown; an event counts in at most one. */
  enum Category {
    ADMIT("admits", "#2e7d32"),
    DENY("denies", "#c62828"),
    TRUST("trust changes", "#1565c0"),
    POLICY("policy changes", "#6a1b9a"),
    ALARM("alarms", "#ef6c00"),
    OTHER("other", "#757575");

    final String label;
    final String colour;

    Category(String label, String colour) {
      this.label = label;
      this.colour = colour;
    }

    String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The category of one event, from its action and outcome. */
  static Category category(String action, String outcome) {
    if (action.contains("alarm") || "failed".equals(outcome) && action.startsWith("audit.")) {
      return Category.ALARM;
    }
    if ("admit".equals(outcome)) {
      return Category.ADMIT;
    }
    if ("deny".equals(outcome) || "reject".equals(outcome) || action.equals("image.reject")) {
      return Category.DENY;
    }
    if (action.equals("init") || action.startsWith("trust.")) {
      return Category.TRUST;
    }
    if (action.startsWith("policy.")) {
      return Category.POLICY;
    }
    return Category.OTHER;
  }

  static void write(Writer w, AuditCheckpoint cp, String applianceId, PublicKey pub, Instant since, Instant until,
      Instant now, List<AuditLog.StoredEvent> events) throws IOException {
    Map<Category, Integer> counts = new LinkedHashMap<>();
    for (Category c : Category.values()) {
      counts.put(c, 0);
    }
    for (AuditLog.StoredEvent e : events) {
      counts.merge(category(e.action(), e.outcome()), 1, Integer::sum);
    }
    String first = events.isEmpty() ? null : events.get(0).time();
    String last = events.isEmpty() ? null : events.get(events.size() - 1).time();

    w.write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    // nothing may be fetched: the page is read offline, and a report must not call home
    w.write("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline';"
        + " script-src 'unsafe-inline'; img-src data:\">\n");
    w.write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    w.write("<title>airlock audit report " + esc(applianceId) + "</title>\n");
    w.write("<style>\n" + CSS + "</style></head><body>\n");

    w.write("<header><h1>airlock audit report</h1>\n<section id=\"summary\"><dl class=\"facts\">\n");
    w.write("<dt>Period</dt><dd id=\"period\">" + esc(period(since, until, first, last)) + "</dd>\n");
    w.write("<dt>Appliance</dt><dd><code id=\"appliance\">" + esc(applianceId) + "</code></dd>\n");
    w.write("<dt>Events</dt><dd id=\"event-count\">" + events.size() + " of " + cp.size()
        + " in the log</dd>\n");
    w.write("<dt>Exported</dt><dd>" + esc(now.toString()) + "</dd>\n");
    w.write("</dl>\n<div class=\"counts\"><table id=\"counts\"><tbody>\n");
    for (Map.Entry<Category, Integer> c : counts.entrySet()) {
      w.write("<tr data-category=\"" + c.getKey().key() + "\"><th scope=\"row\"><span class=\"swatch\" style=\"background:"
          + c.getKey().colour + "\"></span>" + esc(c.getKey().label) + "</th><td class=\"n\">" + c.getValue()
          + "</td></tr>\n");
    }
    w.write("</tbody></table>\n" + chart(counts) + "</div>\n");
    w.write("<details class=\"checkpoint\" open><summary>Signed checkpoint of the whole log (size " + cp.size()
        + ")</summary><pre id=\"checkpoint\">" + esc(cp.note()) + "</pre><p>Audit public key:</p><pre>"
        + esc(Keys.toPem(pub)) + "</pre></details>\n");
    w.write("<p class=\"note\">This page is for reading. The evidence is the JSONL export, checked with "
        + "<code>airlock audit verify EXPORT --key audit.pub</code>.</p>\n</section></header>\n");

    w.write("<main><div class=\"controls\"><label>Filter <input id=\"filter\" type=\"search\""
        + " placeholder=\"text in any column\"></label> <label>Show <select id=\"category\">"
        + "<option value=\"\">all events</option>");
    for (Category c : Category.values()) {
      w.write("<option value=\"" + c.key() + "\">" + esc(c.label) + "</option>");
    }
    w.write("</select></label> <span id=\"shown\">" + events.size() + " of " + events.size()
        + " shown</span> <span class=\"hint\">Click a column heading to sort; click a digest to copy it.</span>"
        + "</div>\n");
    w.write("<table id=\"events\"><thead><tr><th data-sort=\"num\">#</th><th data-sort=\"text\">time (UTC)</th>"
        + "<th data-sort=\"text\">who</th><th data-sort=\"text\">action</th><th data-sort=\"text\">subject</th>"
        + "<th data-sort=\"text\">outcome</th><th data-sort=\"text\">reasons</th><th>details</th></tr></thead>"
        + "<tbody>\n");
    for (AuditLog.StoredEvent e : events) {
      Category c = category(e.action(), e.outcome());
      String who = e.operator() + "@" + e.host();
      w.write("<tr class=\"ev " + c.key() + "\" data-category=\"" + c.key() + "\"><td class=\"n\">" + e.seq()
          + "</td><td class=\"t\">" + esc(shortTime(e.time())) + "</td><td>" + esc(who) + "</td><td>"
          + esc(e.action()) + "</td><td class=\"s\">" + digests(e.subject()) + "</td><td class=\"o\">"
          + esc(e.outcome()) + "</td><td>" + esc(String.join(" ", e.reasons())) + "</td><td>"
          + details(e) + "</td></tr>\n");
    }
    w.write("</tbody></table></main>\n<script>\n" + SCRIPT + "</script>\n</body></html>\n");
  }

  /** The selection's period: the requested bounds, else the first and last event's times. */
  private static String period(Instant since, Instant until, String first, String last) {
    String from = since != null ? since.toString() : first != null ? shortTime(first) : "-";
    String to = until != null ? until.toString() : last != null ? shortTime(last) : "-";
    return from + " to " + to;
  }

  /** An ISO instant to the second, for the table; the full value is in the folded record. */
  private static String shortTime(String iso) {
    int dot = iso.indexOf('.');
    return dot > 0 && iso.endsWith("Z") ? iso.substring(0, dot) + "Z" : iso;
  }

  /** The folded full record of an event: every field, the detail document and the chain hash. */
  private static String details(AuditLog.StoredEvent e) {
    StringBuilder sb = new StringBuilder("<details><summary>more</summary><dl>");
    sb.append("<dt>time</dt><dd>").append(esc(e.time())).append("</dd>");
    sb.append("<dt>command</dt><dd>").append(esc(e.command())).append("</dd>");
    sb.append("<dt>account</dt><dd>").append(optional(e, e.account())).append("</dd>");
    sb.append("<dt>sudo user</dt><dd>").append(optional(e, e.sudoUser())).append("</dd>");
    sb.append("<dt>reason given</dt><dd>").append(optional(e, e.reason())).append("</dd>");
    sb.append("<dt>event format</dt><dd>v").append(e.version()).append("</dd>");
    sb.append("<dt>chain hash</dt><dd>").append(digests(e.hash())).append("</dd>");
    sb.append("</dl><pre>").append(digests(Json.writePretty(e.detail()))).append("</pre></details>");
    return sb.toString();
  }

  /** A v2 field: "—" for a v1 event (the field does not exist), "(none)" when not recorded. */
  private static String optional(AuditLog.StoredEvent e, String value) {
    if (e.version() == AuditLog.FORMAT_V1) {
      return "&mdash; (v1 event)";
    }
    return value == null ? "<i>(none)</i>" : esc(value);
  }

  /**
   * Escapes text and shortens every digest in it to its first 12 hex digits; the full value is in
   * the element's {@code title} (shown on hover) and {@code data-copy} (copied on click).
   */
  static String digests(String text) {
    Matcher m = DIGEST.matcher(text);
    StringBuilder sb = new StringBuilder();
    int at = 0;
    while (m.find()) {
      sb.append(esc(text.substring(at, m.start())));
      String full = m.group();
      String prefix = m.group(1) == null ? "" : m.group(1);
      sb.append("<code class=\"dg\" tabindex=\"0\" title=\"").append(full).append("\" data-copy=\"").append(full)
          .append("\">").append(prefix).append(m.group(2), 0, 12).append("…</code>");
      at = m.end();
    }
    sb.append(esc(text.substring(at)));
    return sb.toString();
  }

  /** A horizontal bar chart of the counts, inline SVG (no script, no external resource). */
  private static String chart(Map<Category, Integer> counts) {
    int max = Math.max(1, counts.values().stream().mapToInt(Integer::intValue).max().orElse(1));
    int rowH = 18;
    int width = 320;
    int barMax = 200;
    StringBuilder sb = new StringBuilder();
    sb.append("<svg id=\"chart\" role=\"img\" aria-label=\"events by kind\""
        + " width=\"").append(width).append("\" height=\"").append(rowH * counts.size() + 4).append("\" viewBox=\"0 0 ")
        .append(width).append(' ').append(rowH * counts.size() + 4).append("\">");
    int y = 2;
    for (Map.Entry<Category, Integer> c : counts.entrySet()) {
      int len = c.getValue() == 0 ? 0 : Math.max(2, barMax * c.getValue() / max);
      sb.append("<text x=\"0\" y=\"").append(y + 13).append("\" font-size=\"12\">").append(esc(c.getKey().label))
          .append("</text>");
      sb.append("<rect x=\"100\" y=\"").append(y + 2).append("\" width=\"").append(len).append("\" height=\"")
          .append(rowH - 5).append("\" fill=\"").append(c.getKey().colour).append("\"><title>")
          .append(esc(c.getKey().label)).append(": ").append(c.getValue()).append("</title></rect>");
      sb.append("<text x=\"").append(104 + len).append("\" y=\"").append(y + 13).append("\" font-size=\"12\">")
          .append(c.getValue()).append("</text>");
      y += rowH;
    }
    return sb.append("</svg>").toString();
  }

  static String esc(String s) {
    return AuditExport.esc(s);
  }

  private static final String CSS = """
      body{font-family:system-ui,sans-serif;margin:1.2em;color:#111}
      h1{font-size:1.4em;margin:0 0 .4em}
      #summary{display:flex;flex-wrap:wrap;gap:.5em 2em;align-items:flex-start}
      dl.facts{display:grid;grid-template-columns:auto 1fr;gap:.15em .8em;margin:0}
      dl.facts dt{font-weight:600}dl.facts dd{margin:0}
      .counts{display:flex;gap:1.5em;align-items:center}
      #counts th{text-align:left;font-weight:normal;padding-right:.6em}#counts td{text-align:right}
      .swatch{display:inline-block;width:.8em;height:.8em;margin-right:.4em;vertical-align:middle}
      details.checkpoint{flex-basis:100%}details.checkpoint pre{font-size:.8em}
      .note{flex-basis:100%;margin:.2em 0;color:#444}
      .controls{margin:1em 0 .5em}.controls input{width:18em}.hint{color:#666;font-size:.85em}
      #events{border-collapse:collapse;font-size:.85em;width:100%}
      #events th,#events td{border-bottom:1px solid #ccc;padding:.2em .4em;vertical-align:top;text-align:left}
      #events th{background:#eee;position:sticky;top:0;cursor:pointer;white-space:nowrap}
      #events th[aria-sort=ascending]::after{content:" \\25B2"}#events th[aria-sort=descending]::after{content:" \\25BC"}
      #events td.t{white-space:nowrap}td.n{text-align:right}
      tr.deny td.o,tr.alarm td.o{color:#b00020;font-weight:600}tr.admit td.o{color:#2e7d32;font-weight:600}
      tr.deny{background:#fff3f3}tr.alarm{background:#fff6e8}
      code.dg{cursor:copy;border-bottom:1px dotted #888}code.dg.copied{background:#d7f5dd}
      details pre{white-space:pre-wrap;word-break:break-all;margin:.2em 0;font-size:.9em}
      details dl{display:grid;grid-template-columns:auto 1fr;gap:0 .6em;margin:.2em 0}details dd{margin:0}
      summary{cursor:pointer;color:#1565c0}
      @page{size:A4 landscape;margin:10mm}
      @media print{
        body{margin:0;font-size:9pt}
        .controls,.hint,details.checkpoint>p{display:none}
        #events{font-size:8pt}#events th{position:static;background:#eee}
        #events tr{break-inside:avoid}#events thead{display:table-header-group}
        details:not([open])>summary{display:none}
        details.checkpoint pre{font-size:7pt}
        code.dg{border:0}
      }
      """;

  private static final String SCRIPT = """
      (function () {
        'use strict';
        var table = document.getElementById('events');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var filter = document.getElementById('filter');
        var category = document.getElementById('category');
        var shown = document.getElementById('shown');
        function text(row) {
          var t = row.textContent;
          row.querySelectorAll('[data-copy]').forEach(function (e) { t += ' ' + e.getAttribute('data-copy'); });
          return t.toLowerCase();
        }
        var texts = rows.map(text);
        function apply() {
          var q = filter.value.trim().toLowerCase();
          var c = category.value;
          var n = 0;
          rows.forEach(function (r, i) {
            var ok = (!q || texts[i].indexOf(q) >= 0) && (!c || r.getAttribute('data-category') === c);
            r.hidden = !ok;
            if (ok) { n++; }
          });
          shown.textContent = n + ' of ' + rows.length + ' shown';
        }
        filter.addEventListener('input', apply);
        category.addEventListener('change', apply);
        var heads = table.tHead.rows[0].cells;
        Array.prototype.forEach.call(heads, function (th, col) {
          var kind = th.getAttribute('data-sort');
          if (!kind) { return; }
          th.tabIndex = 0;
          function sort() {
            var asc = th.getAttribute('aria-sort') !== 'ascending';
            Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
            th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
            var keyed = rows.map(function (r, i) {
              var v = r.cells[col].textContent;
              return { r: r, i: i, k: kind === 'num' ? parseFloat(v) : v.toLowerCase() };
            });
            keyed.sort(function (a, b) {
              var d = a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i;
              return asc ? d : -d;
            });
            keyed.forEach(function (x) { body.appendChild(x.r); });
          }
          th.addEventListener('click', sort);
          th.addEventListener('keydown', function (e) { if (e.key === 'Enter') { sort(); } });
        });
        function copy(el) {
          var v = el.getAttribute('data-copy');
          var done = function () { el.classList.add('copied'); setTimeout(function () { el.classList.remove('copied'); }, 800); };
          if (navigator.clipboard && navigator.clipboard.writeText) {
            navigator.clipboard.writeText(v).then(done, function () { select(el); });
          } else { select(el); }
        }
        function select(el) {
          el.textContent = el.getAttribute('data-copy');
          var range = document.createRange();
          range.selectNodeContents(el);
          var s = window.getSelection();
          s.removeAllRanges();
          s.addRange(range);
        }
        document.addEventListener('click', function (e) {
          var el = e.target.closest ? e.target.closest('code.dg') : null;
          if (el) { copy(el); }
        });
        document.addEventListener('keydown', function (e) {
          if (e.key === 'Enter' && e.target.matches && e.target.matches('code.dg')) { copy(e.target); }
        });
        // a view can be linked: #q=TEXT&category=deny&sort=COLUMN[&desc]
        var h = new URLSearchParams(location.hash.replace(/^#/, ''));
        if (h.get('q')) { filter.value = h.get('q'); }
        if (h.get('category')) { category.value = h.get('category'); }
        var col = parseInt(h.get('sort'), 10);
        if (col >= 0 && col < heads.length && heads[col].getAttribute('data-sort')) {
          heads[col].click();
          if (h.has('desc')) { heads[col].click(); }
        }
        apply();
        document.body.setAttribute('data-script', 'ready');
      })();
      """;
}
