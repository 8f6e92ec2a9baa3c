/// The web map served at `/`: one self-contained page (no CDN, no tiles: it works offline on a
/// street office PC). It draws the plan's grids from `/api/grids` as SVG, pans and zooms, and
/// asks `/api/who-covers` for a clicked point, a typed address or one carried in the link
/// (`/#address=…`, `/#lon=…&lat=…&crs=…&at=…`), showing the chain of responsible people.
enum MapPage {
    static let html = #"""
        <!doctype html>
        <html lang="zh">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>gridplan · 谁负责这里？</title>
        <style>
          html, body { margin: 0; height: 100%; font: 14px/1.4 system-ui, "Noto Sans CJK SC", sans-serif; color: #222; }
          #map { position: absolute; left: 0; top: 0; right: 380px; bottom: 0; background: #eef0ea; cursor: crosshair; touch-action: none; }
          #side { position: absolute; top: 0; right: 0; width: 380px; bottom: 0; overflow: auto; box-sizing: border-box;
                  padding: 12px 14px; border-left: 1px solid #bbb; background: #fff; }
          h1 { font-size: 17px; margin: 0 0 8px; }
          form { display: grid; grid-template-columns: 1fr auto; gap: 6px; margin-bottom: 6px; }
          form input[type=text] { grid-column: 1 / 3; padding: 5px; font-size: 14px; }
          .hint, .muted { color: #666; font-size: 12px; }
          .error { color: #b00; font-weight: 600; }
          .status { font-weight: 600; margin: 6px 0; }
          table { border-collapse: collapse; width: 100%; margin: 6px 0; }
          td, th { text-align: left; padding: 3px 4px; border-bottom: 1px solid #e4e4e4; vertical-align: top; font-size: 13px; }
          th { background: #f4f4f4; }
          path { vector-effect: non-scaling-stroke; fill-rule: evenodd; }
          .unit { fill: #fff; fill-opacity: 0.55; stroke: #8a9a9a; stroke-width: 0.6; }
          .unit:hover { fill: #dfe9ff; }
          .area { fill: none; stroke: #5b7fa8; stroke-width: 1.1; pointer-events: none; }
          .community { fill: none; stroke: #2f5fb3; stroke-width: 2; pointer-events: none; }
          .street { fill: none; stroke: #b33; stroke-width: 3; pointer-events: none; }
          .hit { fill: #ffc94d !important; fill-opacity: 0.75 !important; }
          .mark { fill: #d00; stroke: #fff; vector-effect: non-scaling-stroke; stroke-width: 2; pointer-events: none; }
          .person { fill: #06c; stroke: #fff; vector-effect: non-scaling-stroke; stroke-width: 1.5; pointer-events: none; }
        </style>
        </head>
        <body>
        <svg id="map" xmlns="http://www.w3.org/2000/svg"><g id="layers"></g><g id="marks"></g></svg>
        <div id="side">
          <h1>谁负责这里？ Who covers this?</h1>
          <form id="ask">
            <input type="text" id="address" placeholder="地址 address, e.g. 赤坎区中华街道…">
            <label class="muted">日期 day <input type="date" id="at"></label>
            <button type="submit">查询 Ask</button>
          </form>
          <div class="hint">Click the map for a point, or type an address. Drag to pan, wheel to zoom.</div>
          <div id="answer"></div>
          <p id="plan" class="muted"></p>
        </div>
        <script>
        "use strict";
        const svg = document.getElementById("map"), layers = document.getElementById("layers"), marks = document.getElementById("marks");
        const answerBox = document.getElementById("answer");
        let lon0 = 0, lat0 = 0, kx = 1, view = null;
        const S = 1000;  // SVG units per degree of latitude
        const toXY = (lon, lat) => [(lon - lon0) * kx * S, -(lat - lat0) * S];
        const toLonLat = (x, y) => [x / (kx * S) + lon0, -y / S + lat0];
        const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

        function ringPath(ring) { return ring.map((p, i) => (i ? "L" : "M") + toXY(p[0], p[1]).map(v => v.toFixed(3)).join(" ")).join("") + "Z"; }
        function geometryPath(g) {
          const polygons = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
          return polygons.map(rings => rings.map(ringPath).join("")).join("");
        }
        function setView(v) { view = v; svg.setAttribute("viewBox", `${v.x} ${v.y} ${v.w} ${v.h}`); drawMarks(); }
        function svgPoint(evt) {
          const p = svg.createSVGPoint(); p.x = evt.clientX; p.y = evt.clientY;
          return p.matrixTransform(svg.getScreenCTM().inverse());
        }

        async function getJSON(url) {
          const r = await fetch(url);
          const body = await r.json().catch(() => ({ error: `HTTP ${r.status}` }));
          if (!r.ok) throw new Error(body.error || `HTTP ${r.status}`);
          return body;
        }

        async function load() {
          const plan = await getJSON("/api/plan");
          document.getElementById("plan").textContent =
            `${plan.plan}: ` + Object.entries(plan.grids).map(([l, n]) => `${n} ${l}`).join(", ") + `; ${plan.people} people; ${plan.gazetteer_places} gazetteer places`;
          const levels = ["unit", "area", "community", "street"].filter(l => plan.grids[l]);
          const data = await Promise.all(levels.map(l => getJSON(`/api/grids?level=${l}`)));
          let minx = Infinity, miny = Infinity, maxx = -Infinity, maxy = -Infinity;
          for (const fc of data) for (const f of fc.features) {
            const g = f.geometry, polys = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
            for (const poly of polys) for (const [x, y] of poly[0]) { minx = Math.min(minx, x); maxx = Math.max(maxx, x); miny = Math.min(miny, y); maxy = Math.max(maxy, y); }
          }
          if (!isFinite(minx)) { answerBox.innerHTML = `<p class="error">The plan has no grids yet.</p>`; return; }
          lon0 = (minx + maxx) / 2; lat0 = (miny + maxy) / 2; kx = Math.cos(lat0 * Math.PI / 180);
          levels.forEach((level, i) => {
            const group = document.createElementNS("http://www.w3.org/2000/svg", "g");
            for (const f of data[i].features) {
              const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
              path.setAttribute("d", geometryPath(f.geometry));
              path.setAttribute("class", level);
              if (f.properties.code) path.dataset.code = f.properties.code;
              const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
              title.textContent = `${f.properties.name ?? ""} ${f.properties.code ?? ""}` + (f.properties.households != null ? ` · ${f.properties.households} 户` : "");
              path.appendChild(title);
              group.appendChild(path);
            }
            layers.appendChild(group);
          });
          const [x0, y0] = toXY(minx, maxy), [x1, y1] = toXY(maxx, miny), pad = 0.03 * Math.max(x1 - x0, y1 - y0);
          setView({ x: x0 - pad, y: y0 - pad, w: x1 - x0 + 2 * pad, h: y1 - y0 + 2 * pad });
        }

        // Pan by dragging, zoom with the wheel around the pointer; a click without a drag asks.
        let drag = null;
        svg.addEventListener("pointerdown", e => { drag = { start: svgPoint(e), cx: e.clientX, cy: e.clientY, moved: false }; svg.setPointerCapture(e.pointerId); });
        svg.addEventListener("pointermove", e => {
          if (!drag || !view) return;
          if (Math.hypot(e.clientX - drag.cx, e.clientY - drag.cy) > 4) drag.moved = true;
          if (!drag.moved) return;
          const p = svgPoint(e);
          setView({ ...view, x: view.x - (p.x - drag.start.x), y: view.y - (p.y - drag.start.y) });
        });
        svg.addEventListener("pointerup", e => {
          if (drag && !drag.moved && view) { const p = svgPoint(e); const [lon, lat] = toLonLat(p.x, p.y); ask(`lon=${lon.toFixed(7)}&lat=${lat.toFixed(7)}&crs=cgcs2000`); }
          drag = null;
        });
        svg.addEventListener("wheel", e => {
          if (!view) return;
          e.preventDefault();
          const p = svgPoint(e), f = e.deltaY > 0 ? 1.25 : 0.8;
          setView({ x: p.x - (p.x - view.x) * f, y: p.y - (p.y - view.y) * f, w: view.w * f, h: view.h * f });
        }, { passive: false });

        document.getElementById("ask").addEventListener("submit", e => {
          e.preventDefault();
          const a = document.getElementById("address").value.trim();
          if (a) ask(`address=${encodeURIComponent(a)}`, true);
        });

        let marked = [];
        function drawMarks() {
          marks.innerHTML = "";
          if (!view) return;
          const r = view.w / 160;
          for (const m of marked) {
            const [x, y] = toXY(m.lon, m.lat);
            const c = document.createElementNS("http://www.w3.org/2000/svg", "circle");
            c.setAttribute("cx", x); c.setAttribute("cy", y); c.setAttribute("r", m.kind === "mark" ? r : r * 0.6);
            c.setAttribute("class", m.kind);
            marks.appendChild(c);
          }
        }

        async function ask(query, centre) {
          const at = document.getElementById("at").value;
          answerBox.innerHTML = `<p class="muted">…</p>`;
          document.querySelectorAll(".hit").forEach(p => p.classList.remove("hit"));
          try {
            const a = await getJSON(`/api/who-covers?${query}${at ? `&at=${at}` : ""}`);
            show(a);
            marked = [{ lon: a.lon, lat: a.lat, kind: "mark" }];
            if (a.unit_gridder && a.unit_gridder.lon != null) marked.push({ lon: a.unit_gridder.lon, lat: a.unit_gridder.lat, kind: "person" });
            const unit = a.chain.find(l => l.level === "unit");
            if (unit && unit.code && a.covered) document.querySelectorAll(`path.unit[data-code="${CSS.escape(unit.code)}"]`).forEach(p => p.classList.add("hit"));
            if (centre && view) { const [x, y] = toXY(a.lon, a.lat); setView({ ...view, x: x - view.w / 2, y: y - view.h / 2 }); } else drawMarks();
          } catch (err) {
            answerBox.innerHTML = `<p class="error">${esc(err.message)}</p>`;
            marked = []; drawMarks();
          }
        }

        function show(a) {
          const m = d => d == null ? "–" : `${Math.round(d)} m`;
          let h = "";
          if (a.geocode) h += `<p>地址 <b>${esc(a.geocode.address)}</b> → ${esc(a.geocode.level)} “${esc(a.geocode.matched)}”, confidence ${a.geocode.confidence.toFixed(2)}${a.geocode.interpolated ? " (interpolated)" : ""}${a.geocode.reason ? `<br><span class="muted">${esc(a.geocode.reason)}</span>` : ""}</p>`;
          const status = { inside: "inside", boundary: "on a shared boundary: given to the grid with the lowest code", snapped: `outside by ${m(a.grid_distance_m)}: snapped to the nearest grid`, outside: `OUTSIDE every grid: the nearest is ${m(a.grid_distance_m)} away` }[a.status] || a.status;
          h += `<div class="status">${esc(status)}</div><div class="muted">${a.lon.toFixed(6)}, ${a.lat.toFixed(6)} (CGCS2000) · ${esc(a.day)}${a.plan_note ? " · " + esc(a.plan_note) : ""}</div>`;
          h += `<table><tr><th>level</th><th>grid</th><th>on duty</th></tr>`;
          for (const l of a.chain) {
            const people = l.people.length ? l.people.map(p => `${esc(p.duty)} <b>${esc(p.name)}</b> ${esc(p.role)} ${p.phone ? `<a href="tel:${esc(p.phone)}">${esc(p.phone)}</a>` : ""}`).join("<br>") : `<span class="muted">no one on duty</span>`;
            h += `<tr><td>${esc(l.level)}</td><td>${esc(l.name)}<br><span class="muted">${esc(l.code)}</span></td><td>${people}</td></tr>`;
          }
          h += `</table>`;
          if (a.unit_gridder) h += `<p>Unit gridder <b>${esc(a.unit_gridder.name)}</b>: base ${m(a.gridder_base_distance_m)} from the point.</p>`;
          if (a.emergency_unit.length) {
            h += `<p>Minimal emergency unit (nearest on duty):</p><table>`;
            for (const p of a.emergency_unit) h += `<tr><td>${m(p.distance_m)}</td><td><b>${esc(p.name)}</b> ${esc(p.role)}</td><td>${p.phone ? `<a href="tel:${esc(p.phone)}">${esc(p.phone)}</a>` : ""}</td></tr>`;
            h += `</table>`;
          }
          answerBox.innerHTML = h;
        }

        // A link can carry the question: /#lon=110.36&lat=21.27&crs=gcj02&at=2024-06-01 or /#address=…
        function askFromLink() {
          const h = new URLSearchParams(location.hash.slice(1));
          if (h.get("at")) document.getElementById("at").value = h.get("at");
          if (h.get("address")) { document.getElementById("address").value = h.get("address"); ask(`address=${encodeURIComponent(h.get("address"))}`, true); }
          else if (h.get("lon") && h.get("lat")) ask(`lon=${encodeURIComponent(h.get("lon"))}&lat=${encodeURIComponent(h.get("lat"))}&crs=${encodeURIComponent(h.get("crs") || "cgcs2000")}`, true);
        }
        load().then(askFromLink).catch(err => { answerBox.innerHTML = `<p class="error">${esc(err.message)}</p>`; });
        </script>
        </body>
        </html>
        """#
}
