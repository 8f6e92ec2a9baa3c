extension MapScript {
    /// Cases on the map: points clustered by the server (`/api/map/cases`) for the cells of the
    /// current zoom, and a choropleth of cases per 1,000 households per unit grid (`/api/map/case-counts`).
    static let cases = #"""
        map.createPane("cases").style.zIndex = 450;
        map.createPane("marks").style.zIndex = 460;
        const caseLayer = L.layerGroup();
        const plainBase = L.layerGroup(), choroBase = L.layerGroup();
        const CHORO = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"];
        const STATUS = { closed: "#6b7280", feedback: "#6b7280" };
        let casesAsked = 0, counts = null, breaks = null;

        /// A grid's own style: the level's, or for a unit grid under the choropleth, its class's fill.
        function baseStyle(f) {
          const st = STYLE[f.properties.level];
          if (!state.choro || f.properties.level !== "unit" || !counts) return st;
          const v = (counts.grids[f.properties.code] || {}).per_1000_households;
          if (v == null) return { ...st, fillColor: "#e5e7eb", fillOpacity: 0.6 };
          const k = breaks.findIndex(b => v <= b);
          return { ...st, fillColor: CHORO[k < 0 ? CHORO.length - 1 : k], fillOpacity: 0.75 };
        }

        /// Quantile class limits (upper bounds) of cases per 1,000 households over the unit grids.
        async function setChoropleth(on) {
          state.choro = on;
          if (on && !counts) {
            counts = await getJSON("/api/map/case-counts?level=unit");
            const v = Object.values(counts.grids).map(g => g.per_1000_households).filter(x => x != null).sort((a, b) => a - b);
            breaks = v.length ? [0.2, 0.4, 0.6, 0.8, 1].map(q => v[Math.min(v.length - 1, Math.ceil(q * v.length) - 1)]) : [];
          }
          const restyle = layer => { if (!byCode[layer.feature.properties.code]?.hit) layer.setStyle(baseStyle(layer.feature)); };
          if (grids.unit) grids.unit.eachLayer(restyle);
          document.getElementById("map").dataset.choro = on ? "1" : "0";
          renderLegend();
          writeLink();
        }

        function choroLegend() {
          if (!state.choro || !breaks || !breaks.length) return "";
          let lo = 0;
          return `<div class="muted">${t("choro")}</div>` + breaks.map((b, k) => {
            const row = `<div><i style="background:${CHORO[k]};border:1px solid #999"></i>${lo.toFixed(1)}–${b.toFixed(1)}</div>`;
            lo = b;
            return row;
          }).join("");
        }

        /// Cells of about 56 screen pixels at the whole zoom, aligned on multiples of the cell so clusters stay put while panning.
        async function refreshCases() {
          if (!state.cases || !state.ready) { caseLayer.clearLayers(); return; }
          const cell = 360 / Math.pow(2, Math.round(map.getZoom()) + 8) * 56;
          const b = map.getBounds();
          const box = [Math.floor(b.getWest() / cell) * cell, Math.floor(b.getSouth() / cell) * cell,
                       Math.ceil(b.getEast() / cell) * cell, Math.ceil(b.getNorth() / cell) * cell];
          const token = ++casesAsked;
          let r;
          try {
            r = await getJSON(`/api/map/cases?bbox=${box.map(v => v.toFixed(7)).join(",")}&cell=${cell.toPrecision(8)}`);
          } catch (err) { return; }
          if (token !== casesAsked || !state.cases) return;
          caseLayer.clearLayers();
          for (const c of r.clusters) {
            if (c.n === 1) {
              L.circleMarker([c.lat, c.lon], { pane: "cases", radius: 5, color: "#fff", weight: 1, bubblingMouseEvents: false,
                                               fillColor: STATUS[c.status] || "#7c3aed", fillOpacity: 0.9 })
                .bindPopup(`<b>${esc(c.id)}</b><br>${esc(c.status)} · ${esc(c.category)}<br>${esc(c.reported_at)}`).addTo(caseLayer);
            } else {
              const s = c.n < 10 ? 26 : c.n < 100 ? 32 : 40;
              L.marker([c.lat, c.lon], { pane: "cases", title: `${c.n}`,
                                         icon: L.divIcon({ className: "cluster", html: `<span>${c.n}</span>`, iconSize: [s, s] }) })
                .on("click", () => map.setView([c.lat, c.lon], map.getZoom() + 2)).addTo(caseLayer);
            }
          }
          document.getElementById("map").dataset.cases = String(r.total);
        }
        """#
}
