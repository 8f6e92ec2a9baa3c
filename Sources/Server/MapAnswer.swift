extension MapScript {
    /// The answer panel: asks `/api/who-covers`, shows the chain of people in words of the current
    /// language, and says plainly when an address was placed too coarsely to name one unit grid.
    static let answer = #"""
        /// Below this confidence, or placed no finer than a road, an address does not fix one unit grid.
        const SURE_CONFIDENCE = 0.8;
        const COARSE = ["road", "community", "street", "county"];
        let lastAnswer = null;
        const metres = d => d == null ? "–" : d >= 1000 ? `${(d / 1000).toFixed(1)} km` : `${Math.round(d)} m`;
        const isUnsure = a => !!a.geocode && (COARSE.includes(a.geocode.level) || a.geocode.confidence < SURE_CONFIDENCE || a.geocode.fuzzy);

        async function ask(q, centre) {
          state.question = q;
          const at = document.getElementById("at").value;
          const box = document.getElementById("answer");
          box.dataset.state = "asking";
          box.innerHTML = `<p class="muted">${t("loading")}</p>`;
          const query = q.address != null ? `address=${encodeURIComponent(q.address)}`
            : `lon=${encodeURIComponent(q.lon)}&lat=${encodeURIComponent(q.lat)}&crs=${encodeURIComponent(q.crs || "cgcs2000")}`;
          try {
            const a = await getJSON(`/api/who-covers?${query}${at ? `&at=${encodeURIComponent(at)}` : ""}`);
            lastAnswer = a;
            show(a);
            drawAnswer(a, centre);
            box.dataset.state = isUnsure(a) ? "unsure" : "done";
          } catch (err) {
            lastAnswer = null;
            marks.clearLayers();
            box.innerHTML = `<p class="error">${t("error")}${esc(err.message)}</p>`;
            box.dataset.state = "error";
            document.getElementById("grid-panel").hidden = true;
          }
          document.getElementById("side").classList.remove("folded");
          sheetHeight();
          writeLink();
        }

        function drawAnswer(a, centre) {
          marks.clearLayers();
          for (const k in byCode) if (byCode[k].hit) { byCode[k].layer.setStyle(baseStyle(byCode[k].feature)); byCode[k].hit = false; }
          const unsure = isUnsure(a);
          const unit = a.chain.find(l => l.level === "unit");
          const place = unsure ? placeOf(a) : null;
          if (place) {
            L.geoJSON(byCode[place.code].feature, { interactive: false, pane: "marks",
              style: { color: "#d97706", weight: 3, dashArray: "8 6", fillColor: "#fde68a", fillOpacity: 0.35 } }).addTo(marks);
          } else if (unit && a.covered && !unsure && byCode[unit.code]) {
            byCode[unit.code].layer.setStyle({ fillColor: "#ffc94d", fillOpacity: 0.75 });
            byCode[unit.code].hit = true;
          }
          for (const c of (a.geocode && a.geocode.alternatives) || []) {
            L.circleMarker([c.lat, c.lon], { pane: "marks", bubblingMouseEvents: false, radius: 7, color: "#b45309", weight: 2,
                                             dashArray: "3 2", fillColor: "#f59e0b", fillOpacity: 0.8 })
              .bindTooltip(esc(c.name)).on("click", () => { ask({ lon: c.lon, lat: c.lat, crs: "cgcs2000" }, true); })
              .addTo(marks);
          }
          if (a.unit_gridder && a.unit_gridder.lon != null && !unsure) {
            L.circleMarker([a.unit_gridder.lat, a.unit_gridder.lon],
                           { pane: "marks", radius: 6, color: "#fff", weight: 2, fillColor: "#06c", fillOpacity: 1 })
              .bindTooltip(`${t("base")}: ${esc(a.unit_gridder.name)}`).addTo(marks);
          }
          L.circleMarker([a.lat, a.lon],
                         { pane: "marks", radius: 8, color: "#fff", weight: 2, fillColor: unsure ? "#d97706" : "#d00", fillOpacity: 1 })
            .addTo(marks);
          if (centre) {
            if (place) map.fitBounds(byCode[place.code].layer.getBounds(), { padding: [20, 20] });
            else map.setView([a.lat, a.lon], Math.max(map.getZoom(), state.z0 + 3));
          }
        }

        function personLine(p, unsure) {
          const phone = p.phone ? ` <a href="tel:${esc(p.phone)}">${esc(p.phone)}</a>` : "";
          const duty = p.duty ? `<span class="tag">${esc(t(p.duty))}</span> ` : "";
          const maybe = unsure ? `<span class="tag unsure">${t("unsureTag")}</span> ` : "";
          return `${maybe}${duty}<b>${esc(p.name)}</b> ${esc(t(p.role))}${phone}`;
        }

        function show(a) {
          const unsure = isUnsure(a);
          let h = "";
          const g = a.geocode;
          if (g) {
            h += `<p>${t("placed", { a: esc(g.address), l: esc(t(g.level)), m: esc(g.matched ?? ""), c: g.confidence.toFixed(2) })}`
              + `${g.interpolated ? t("interpolated") : ""}${g.reason ? `<br><span class="muted">${esc(g.reason)}</span>` : ""}</p>`;
          }
          if (unsure) h += unsureBox(a);
          const status = t(a.status, { d: metres(a.grid_distance_m) });
          h += `<div class="status">${esc(status)}</div><div class="muted">${a.lon.toFixed(6)}, ${a.lat.toFixed(6)} (CGCS2000) · `
            + `${esc(a.day)}${a.plan_note ? " · " + esc(a.plan_note) : ""}</div>`;
          h += `<table id="chain"><tr><th>${t("level")}</th><th>${t("grid")}</th><th>${t("onDuty")}</th></tr>`;
          for (const l of a.chain) {
            const maybe = unsure && (l.level === "unit" || l.level === "area");
            const people = l.people.length ? l.people.map(p => personLine(p, maybe)).join("<br>") : `<span class="muted">${t("nobody")}</span>`;
            const tag = maybe ? `<br><span class="tag unsure">${t("maybe")}</span>` : "";
            h += `<tr class="${maybe ? "unsure" : ""}" data-level="${esc(l.level)}"><td>${esc(t(l.level))}${tag}`
              + `</td><td>${esc(l.name)}<br><span class="muted">${esc(l.code)}</span></td><td>${people}</td></tr>`;
          }
          h += `</table>`;
          if (a.unit_gridder) {
            h += unsure ? `<p class="muted">${t("maybeGridder")}: ${esc(a.unit_gridder.name)}</p>`
              : `<p id="gridder">${t("unitGridder", { n: esc(a.unit_gridder.name), d: metres(a.gridder_base_distance_m) })}</p>`;
          }
          if (a.emergency_unit.length) {
            h += `<h2>${t("emergency")}</h2><table>`;
            for (const p of a.emergency_unit) {
              h += `<tr><td>${metres(p.distance_m)}</td><td><b>${esc(p.name)}</b> ${esc(t(p.role))}</td>`
                + `<td>${p.phone ? `<a href="tel:${esc(p.phone)}">${esc(p.phone)}</a>` : ""}</td></tr>`;
            }
            h += `</table>`;
          }
          document.getElementById("answer").innerHTML = h;
          document.querySelectorAll("#answer button.cand").forEach(b => b.addEventListener("click", () => {
            if (b.dataset.code) { const x = byCode[b.dataset.code]; if (x) map.fitBounds(x.layer.getBounds()); return; }
            ask({ lon: +b.dataset.lon, lat: +b.dataset.lat, crs: "cgcs2000" }, true);
          }));
          showGrid(a);
        }

        /// The plain warning for a coarse address, with the candidates: the geocoder's alternatives, else the unit grids of the place.
        function unsureBox(a) {
          const g = a.geocode, c = g.confidence.toFixed(2);
          const why = COARSE.includes(g.level) ? t("unsure", { l: esc(t(g.level)), c })
            : t("unsureLow", { l: esc(t(g.level)), m: esc(g.matched ?? ""), c });
          let h = `<div class="warn" id="unsure"><b>${why}</b>`;
          if (g.alternatives.length) {
            h += `<div>${t("candidates")}</div><ul>` + g.alternatives.map(c => `<li>${esc(c.name)} (${c.confidence.toFixed(2)}) `
              + `<button type="button" class="cand" data-lon="${c.lon}" data-lat="${c.lat}">${t("askHere")}</button></li>`).join("") + `</ul>`;
          }
          const place = placeOf(a);
          if (place) {
            const units = unitsUnder(place.code);
            h += `<div>${t("noCandidates", { l: esc(t(place.level)), m: esc(place.name), n: units.length })}</div>`;
            h += `<ul class="units">` + units.slice(0, 12).map(u => `<li><button type="button" class="cand" data-code="${esc(u.code)}">`
              + `${esc(u.name)}</button></li>`).join("") + (units.length > 12 ? "<li>…</li>" : "") + `</ul>`;
          } else if (!g.alternatives.length) {
            h += `<div>${t("noFiner")}</div>`;
          }
          return h + `</div>`;
        }

        /// The street or community of the plan an address was placed in: where it may lie (null below that level).
        function placeOf(a) {
          const level = a.geocode && a.geocode.level;
          return ["street", "community"].includes(level) ? a.chain.find(l => l.level === level && l.code && byCode[l.code]) || null : null;
        }

        function unitsUnder(code) {
          const under = c => {
            for (let x = byCode[c]; x; x = byCode[x.feature.properties.parent_code]) if (x.feature.properties.code === code) return true;
            return false;
          };
          return grids.unit ? grids.unit.getLayers().map(l => l.feature.properties).filter(p => p.code && under(p.code)) : [];
        }

        /// The grid panel: the figures of each grid in the chain (households, residents, cases), and the
        /// unit's code, start, area, service radius, open cases and load.
        function showGrid(a) {
          const panel = document.getElementById("grid-panel");
          const rows = a.chain.filter(l => l.code && byCode[l.code]).map(l => byCode[l.code].feature.properties);
          if (!rows.length) { panel.hidden = true; return; }
          const n = v => v == null ? "–" : Number(v).toLocaleString(lang === "zh" ? "zh-CN" : "en");
          let h = `<h2>${t("gridPanel")}</h2><table><tr><th>${t("level")}</th><th>${t("name")}</th><th>${t("households")}</th>`
            + `<th>${t("residents")}</th><th>${t("cases")}</th></tr>`;
          for (const p of rows) h += `<tr data-code="${esc(p.code)}"><td>${esc(t(p.level))}</td><td>${esc(p.name)}</td>`
            + `<td>${n(p.households)}</td><td>${n(p.residents)}</td><td class="cases">…</td></tr>`;
          const u = rows[0];
          const km2 = u.area_m2 == null ? "–" : `${(u.area_m2 / 1e6).toFixed(3)} km²`;
          const metres = u.radius_m == null ? "–" : `${n(Math.round(u.radius_m))} m`;
          h += `</table><dl><dt>${t("code")}</dt><dd>${esc(u.code)}</dd><dt>${t("validFrom")}</dt><dd>${esc(u.valid_from)}</dd>`
            + `<dt>${t("extent")}</dt><dd class="extent">${km2}</dd><dt>${t("radius")}</dt><dd>${metres}</dd>`
            + `<dt>${t("openCases")}</dt><dd class="open">${n(u.open_cases)}</dd><dt>${t("load")}</dt><dd class="load">${n(u.load)}</dd></dl>`;
          panel.innerHTML = h;
          panel.hidden = false;
          for (const p of rows) countsOf(p.level).then(c => {
            const cell = panel.querySelector(`tr[data-code="${CSS.escape(p.code)}"] td.cases`);
            if (cell) cell.textContent = c ? n((c.grids[p.code] || { total: 0 }).total) : "–";
          });
        }

        /// Case counts per grid of a level (all time), asked once per level.
        const countsByLevel = {};
        function countsOf(level) {
          return countsByLevel[level] ??= getJSON(`/api/map/case-counts?level=${level}`).catch(() => null);
        }

        function sheetHeight() {
          const side = document.getElementById("side");
          const phone = window.innerWidth <= 760;
          document.documentElement.style.setProperty("--sheet", phone ? `${side.offsetHeight}px` : "0px");
        }

        document.getElementById("ask").addEventListener("submit", e => {
          e.preventDefault();
          const a = document.getElementById("address").value.trim();
          document.getElementById("address").blur();
          if (a) ask({ address: a }, true);
        });
        document.getElementById("at").addEventListener("change", () => { if (state.question) ask(state.question, false); else writeLink(); });
        document.getElementById("lang").addEventListener("click", () => {
          lang = lang === "zh" ? "en" : "zh";
          applyWords();
          if (state.ready) { buildControls(); showPlan(); }
          if (lastAnswer) show(lastAnswer);
          writeLink();
        });
        document.getElementById("fold").addEventListener("click", () => {
          document.getElementById("side").classList.toggle("folded");
          sheetHeight();
        });
        window.addEventListener("resize", sheetHeight);

        (async () => {
          const link = new URLSearchParams(location.hash.slice(1));
          if (link.get("lang") === "en") lang = "en";
          if (link.get("at")) document.getElementById("at").value = link.get("at");
          applyWords();
          if (window.innerWidth <= 760 && !link.get("address") && !link.get("lon")) document.getElementById("side").classList.add("folded");
          sheetHeight();
          try {
            await loadPlan(link);
          } catch (err) {
            document.getElementById("answer").innerHTML = `<p class="error">${t("error")}${esc(err.message)}</p>`;
          }
          state.ready = true;
          if (state.choro) await setChoropleth(true).catch(() => {});
          await refreshCases();
          document.body.dataset.ready = "1";
          if (link.get("address")) {
            document.getElementById("address").value = link.get("address");
            await ask({ address: link.get("address") }, !link.get("c"));
          } else if (link.get("lon") && link.get("lat")) {
            await ask({ lon: link.get("lon"), lat: link.get("lat"), crs: link.get("crs") || "cgcs2000" }, !link.get("c"));
          } else {
            writeLink();
          }
        })();
        """#
}
