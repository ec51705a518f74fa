/**
 * The live page of `lvs-play status --serve`: one self-contained HTML document (no external
 * assets), drawing the last status report as a picture — each VIP and the director holding it,
 * the directors with their VRRP state, the real servers with weight, health, drain state and
 * active connections — and redrawing it on every round pushed by /events (Server-Sent Events; the
 * browser reconnects by itself). Data reaches the DOM only as text (textContent), never as markup.
 */
export const STATUS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>lvs-play status</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d2330; }
  header { background: #1d2330; color: #fff; padding: 10px 18px; display: flex; gap: 18px; align-items: baseline; }
  header h1 { font-size: 16px; margin: 0; }
  header .meta { color: #aab; font-size: 12px; }
  main { padding: 16px 18px; }
  .row { display: flex; gap: 14px; flex-wrap: wrap; justify-content: center; margin: 10px 0 22px; }
  .box { background: #fff; border: 2px solid #ccd; border-radius: 8px; padding: 10px 14px; min-width: 150px; text-align: center; }
  .box h2 { font-size: 15px; margin: 0 0 4px; }
  .box .sub { font-size: 12px; color: #556; }
  .vip { border-color: #2a6bd6; }
  .MASTER { border-color: #1a9a4b; background: #eafaf0; }
  .BACKUP { border-color: #8896b0; }
  .FAULT, .STOPPED, .UNKNOWN, .down { border-color: #d33; background: #fdeeee; }
  .drained { border-color: #d9a400; background: #fff8e0; }
  .badge { display: inline-block; padding: 1px 7px; border-radius: 9px; font-size: 12px; font-weight: 600; color: #fff; background: #8896b0; }
  .badge.ok { background: #1a9a4b; } .badge.bad { background: #d33; } .badge.warn { background: #c28f00; }
  .label { text-align: center; color: #556; font-size: 12px; text-transform: uppercase; letter-spacing: .05em; }
  ul.problems { background: #fff; border: 2px solid #d33; border-radius: 8px; padding: 10px 30px; }
  .okline { text-align: center; color: #1a9a4b; font-weight: 600; }
  .conn { font-size: 22px; font-weight: 700; }
</style>
</head>
<body>
<header><h1>lvs-play status</h1><span class="meta" id="meta">waiting for the first reading…</span></header>
<main>
  <div class="label">VIPs</div><div class="row" id="vips"></div>
  <div class="label">directors</div><div class="row" id="directors"></div>
  <div class="label">real servers</div><div class="row" id="realservers"></div>
  <div id="problems"></div>
</main>
<script>
"use strict";
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = String(text);
  return e;
}
function badge(text, kind) { return el("span", "badge " + (kind || ""), text); }
function box(cls, title, id, lines) {
  const b = el("div", "box " + cls);
  if (id) b.dataset.id = id;
  b.append(el("h2", "", title));
  for (const l of lines) { const d = el("div", "sub"); d.append(...[].concat(l).map((x) => typeof x === "string" ? document.createTextNode(x) : x)); b.append(d); }
  return b;
}
function draw(r) {
  document.getElementById("meta").textContent = r.inventory + " · read " + r.takenAt.replace("T", " ").replace(/\\.\\d+Z$/, "Z") + " in " + (r.durationMs / 1000).toFixed(1) + " s";
  const vips = document.getElementById("vips");
  vips.replaceChildren(...r.vips.map((v) => {
    const held = v.holders.length === 1;
    const b = box("vip " + (held ? "" : "down"), v.address, "vip-" + v.address, [["held by ", badge(v.holders.join(" + ") || "nobody", held ? "ok" : "bad")]]);
    b.dataset.holder = v.holders.join(",");
    return b;
  }));
  document.getElementById("directors").replaceChildren(...r.directors.map((d) => {
    const st = !d.reachable ? "UNKNOWN" : (d.instances[0] ? d.instances[0].state : (d.keepalived && d.keepalived.running ? "BACKUP" : "STOPPED"));
    const b = box(st, d.name, "director-" + d.name, [
      d.address,
      [badge(st, st === "MASTER" ? "ok" : st === "BACKUP" ? "" : "bad")],
      d.reachable ? ("keepalived " + (d.keepalived && d.keepalived.running ? "v" + (d.keepalived.version || "?") : "not running")) : "unreachable",
      d.vipsHeld.length ? "holds " + d.vipsHeld.join(", ") : "holds no VIP",
      d.ipvs.available ? "IPVS: " + d.ipvs.services.length + " service(s)" : "IPVS: " + (d.ipvs.reason || "n/a"),
      d.sync && d.sync.available ? "sync: " + (d.sync.daemons.map((x) => x.role).join(" + ") || "no daemon") + ", " + d.sync.connections + " conn(s)" : "",
    ].filter((x) => x !== ""));
    b.dataset.state = st;
    return b;
  }));
  const master = r.directors.find((d) => d.reachable && d.instances.some((i) => i.state === "MASTER"));
  document.getElementById("realservers").replaceChildren(...r.realServers.map((s) => {
    const mine = s.ipvs.filter((l) => !master || l.director === master.name);
    const weight = mine.length ? mine.map((l) => l.weight).join("/") : (Object.values(s.configuredWeight)[0] ?? "?");
    const active = mine.reduce((a, l) => a + l.activeConns, 0);
    const healthy = s.reachable && s.listening !== false;
    const cls = !healthy ? "down" : s.drained ? "drained" : "";
    const b = box(cls, s.name, "rs-" + s.name, [
      s.address + " (" + s.os + ")",
      [badge(!s.reachable ? "unreachable" : s.listening === false ? "down" : "up", healthy ? "ok" : "bad"), " ", s.drained ? badge("drained", "warn") : badge("in service", "ok")],
      "weight " + weight + (mine.length ? " (IPVS)" : " (keepalived.conf)"),
      [el("span", "conn", mine.length ? active : "–"), " active conns"],
    ]);
    b.dataset.weight = String(weight);
    return b;
  }));
  const p = document.getElementById("problems");
  if (!r.problems.length) p.replaceChildren(el("div", "okline", "no problems found"));
  else { const ul = el("ul", "problems"); for (const x of r.problems) { const li = el("li", "", x.message); li.append(el("div", "sub", "fix: " + x.fix)); ul.append(li); } p.replaceChildren(el("div", "label", "problems (" + r.problems.length + ")"), ul); }
  document.body.dataset.rounds = String(Number(document.body.dataset.rounds || 0) + 1);
}
const events = new EventSource("events");
events.onmessage = (m) => draw(JSON.parse(m.data));
</script>
</body>
</html>
`;
