extension MapScript {
    /// The map: grid layers by level with labels at suitable zooms, the layer switcher, scale, legend,
    /// and the view kept in the link.
    static let map = #"""
        const LEVELS = ["street", "community", "area", "unit"];
        const STYLE = {
          street: { color: "#b3261e", weight: 3, fill: false, interactive: false },
          community: { color: "#2f5fb3", weight: 2, fill: false, interactive: false },
          area: { color: "#5b7fa8", weight: 1.2, dashArray: "5 4", fill: false, interactive: false },
          unit: { color: "#7d8b8b", weight: 0.8, fillColor: "#ffffff", fillOpacity: 0.45 }
        };
        /// Label zooms, relative to the zoom that shows the whole district (z0): [from, below].
        const LABEL_ZOOM = { street: [-9, 1.5], community: [1, 3], area: [2.5, 4.5], unit: [3.75, 99] };
        const map = L.map("map", { zoomControl: false, attributionControl: false, zoomSnap: 0.25, zoomDelta: 0.5,
                                   wheelPxPerZoomLevel: 90, tap: true, touchZoom: true, bounceAtZoomLimits: false });
        window.gridplanMap = map;
        const state = { question: null, shown: new Set(LEVELS), z0: 0, district: null, ready: false };
        const grids = {};        // level → L.GeoJSON
        const labels = {};       // level → L.LayerGroup of labels
        const byCode = {};       // code → { feature, layer }
        const marks = L.layerGroup().addTo(map);
        let zoomControl = null, layerControl = null, legendControl = null;
        L.control.scale({ imperial: false, maxWidth: 140, position: "bottomleft" }).addTo(map);

        function shortName(p) {
          const parent = p.parent_code && byCode[p.parent_code];
          const pn = parent && parent.feature.properties.name;
          const n = p.name || p.code || "";
          return pn && n.startsWith(pn) && n.length > pn.length ? n.slice(pn.length) : n;
        }

        /// Where a grid's label goes: the area-weighted centroid of its largest polygon's outer ring (the map needs no view yet).
        function labelPoint(g) {
          const polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
          let best = null, bestArea = -1;
          for (const poly of polys) {
            const r = poly[0];
            let a = 0, cx = 0, cy = 0;
            for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
              const f = r[j][0] * r[i][1] - r[i][0] * r[j][1];
              a += f; cx += (r[j][0] + r[i][0]) * f; cy += (r[j][1] + r[i][1]) * f;
            }
            if (Math.abs(a) > bestArea && a !== 0) { bestArea = Math.abs(a); best = [cy / (3 * a), cx / (3 * a)]; }
          }
          return best || L.geoJSON(g).getBounds().getCenter();
        }

        function buildControls() {
          if (zoomControl) { zoomControl.remove(); layerControl.remove(); legendControl.remove(); }
          zoomControl = L.control.zoom({ position: "topleft", zoomInTitle: t("zoomIn"), zoomOutTitle: t("zoomOut") }).addTo(map);
          const overlays = {};
          for (const l of LEVELS) if (grids[l]) overlays[`<span data-level="${l}">${esc(t(l))}</span>`] = grids[l];
          overlays[`<span data-layer="cases">${esc(t("cases"))}</span>`] = caseLayer;
          const bases = { [`<span data-base="plain">${esc(t("plain"))}</span>`]: plainBase,
                          [`<span data-base="choro">${esc(t("choro"))}</span>`]: choroBase };
          layerControl = L.control.layers(bases, overlays, { collapsed: window.innerWidth <= 760, position: "topright" }).addTo(map);
          legendControl = L.control({ position: "bottomright" });
          legendControl.onAdd = () => {
            const d = L.DomUtil.create("details", "legend");
            if (window.innerWidth > 760) d.open = true;
            L.DomEvent.disableClickPropagation(d);
            L.DomEvent.disableScrollPropagation(d);
            return d;
          };
          legendControl.addTo(map);
          renderLegend();
        }

        function renderLegend() {
          const d = legendControl && legendControl.getContainer();
          if (!d) return;
          const sw = (st, dot) => dot ? `<i class="dot" style="background:${st}"></i>`
            : `<i style="border:${st.weight > 2 ? 3 : 2}px ${st.dashArray ? "dashed" : "solid"} ${st.color};`
              + `background:${st.fill === false ? "transparent" : st.fillColor}"></i>`;
          d.innerHTML = `<summary>${t("legend")}</summary>`
            + LEVELS.map(l => `<div>${sw(STYLE[l])}${t(l)}</div>`).join("")
            + `<div><i style="background:#ffc94d;border:1px solid #b58400"></i>${t("hit")}</div>`
            + `<div><i style="border:2px dashed #d97706;background:#fde68a88"></i>${t("unsureArea")}</div>`
            + `<div>${sw("#d00", true)}${t("point")}</div><div>${sw("#06c", true)}${t("base")}</div>`
            + `<div>${sw("#f59e0b", true)}${t("candidate")}</div>`
            + (state.cases ? `<div>${sw("#7c3aed", true)}${t("oneCase")}</div><div><i class="cl"></i>${t("cluster")}</div>` : "")
            + choroLegend();
        }

        function updateLabels() {
          const dz = map.getZoom() - state.z0;
          for (const l of LEVELS) {
            if (!labels[l]) continue;
            const [from, below] = LABEL_ZOOM[l];
            const want = state.shown.has(l) && dz >= from && dz < below;
            if (want && !map.hasLayer(labels[l])) labels[l].addTo(map);
            if (!want && map.hasLayer(labels[l])) map.removeLayer(labels[l]);
          }
        }

        /// The link carries the question, the day, the view, the shown levels and the language.
        function writeLink() {
          if (!state.ready) return;
          const h = new URLSearchParams();
          const q = state.question;
          if (q && q.address) h.set("address", q.address);
          if (q && q.lon != null) { h.set("lon", q.lon); h.set("lat", q.lat); h.set("crs", q.crs || "cgcs2000"); }
          const at = document.getElementById("at").value;
          if (at) h.set("at", at);
          const c = map.getCenter();
          h.set("c", `${c.lat.toFixed(6)},${c.lng.toFixed(6)}`);
          h.set("z", String(map.getZoom()));
          if (state.shown.size !== LEVELS.length) h.set("layers", [...state.shown].join(","));
          if (state.cases) h.set("cases", "1");
          if (state.choro) h.set("choro", "1");
          if (lang !== "zh") h.set("lang", lang);
          history.replaceState(null, "", "#" + h.toString());
        }

        // A token given once as #token=… (a server beyond loopback answers names only to token holders):
        // kept for this tab's session, and gone from the address at the next link written.
        const token = (() => {
          try {
            const given = new URLSearchParams(location.hash.slice(1)).get("token");
            if (given) sessionStorage.setItem("gridplanToken", given);
            return sessionStorage.getItem("gridplanToken");
          } catch (e) { return null; }
        })();

        // The server words its errors in the page's language.
        async function getJSON(url) {
          const headers = { "Accept-Language": lang === "zh" ? "zh-CN" : "en" };
          if (token) headers.Authorization = `Bearer ${token}`;
          const r = await fetch(url, { headers });
          const body = await r.json().catch(() => ({ error: `HTTP ${r.status}` }));
          if (!r.ok) throw new Error(body.error || `HTTP ${r.status}`);
          return body;
        }

        async function loadPlan(link) {
          const plan = await getJSON("/api/plan");
          const levels = LEVELS.filter(l => plan.grids[l]);
          const data = await Promise.all(levels.map(l => getJSON(`/api/grids?level=${l}`)));
          state.plan = plan;
          levels.forEach((l, i) => {
            grids[l] = L.geoJSON(data[i], {
              style: f => baseStyle(f), interactive: l === "unit",
              onEachFeature: (f, layer) => {
                if (f.properties.code) byCode[f.properties.code] = { feature: f, layer };
                layer.feature = f;
              }
            });
          });
          for (const l of levels) {
            labels[l] = L.layerGroup(grids[l].getLayers().map(layer => L.marker(labelPoint(layer.feature.geometry), {
              interactive: false, keyboard: false,
              icon: L.divIcon({ className: `lbl lbl-${l}`, html: `<span>${esc(shortName(layer.feature.properties))}</span>`, iconSize: [0, 0] })
            })));
          }
          if (link.get("layers")) state.shown = new Set(link.get("layers").split(",").filter(l => LEVELS.includes(l)));
          for (const l of [...levels].reverse()) if (state.shown.has(l)) grids[l].addTo(map);
          state.choro = link.get("choro") === "1";
          (state.choro ? choroBase : plainBase).addTo(map);
          state.cases = link.get("cases") === "1";
          if (state.cases) caseLayer.addTo(map);
          const all = L.featureGroup(levels.map(l => grids[l]));
          if (!levels.length) { document.getElementById("answer").innerHTML = `<p class="error">${t("noGrids")}</p>`; return; }
          state.district = all.getBounds();
          // On a phone the sheet covers the map's foot: fit the district in the part that shows.
          const sheet = window.innerWidth <= 760 ? document.getElementById("side").offsetHeight : 0;
          map.fitBounds(state.district, { paddingTopLeft: [8, 8], paddingBottomRight: [8, 8 + sheet] });
          state.z0 = map.getZoom();
          map.setMinZoom(state.z0 - 2);
          const c = (link.get("c") || "").split(",").map(Number);
          if (c.length === 2 && c.every(isFinite) && isFinite(parseFloat(link.get("z")))) map.setView(c, parseFloat(link.get("z")));
          buildControls();
          updateLabels();
          showPlan();
        }

        function showPlan() {
          const p = state.plan;
          if (!p) return;
          const g = LEVELS.filter(l => p.grids[l]).map(l => `${t(l)} ${p.grids[l]}`).join("，");
          document.getElementById("plan").textContent = t("plan", { p: p.plan, g, n: p.people, s: p.gazetteer_places });
        }

        map.on("zoomend", updateLabels);
        map.on("moveend", () => { writeLink(); refreshCases(); });
        map.on("baselayerchange", e => { setChoropleth(e.layer === choroBase); });
        map.on("overlayadd overlayremove", e => {
          if (e.layer === caseLayer) { state.cases = e.type === "overlayadd"; refreshCases(); renderLegend(); writeLink(); return; }
          const l = LEVELS.find(k => grids[k] === e.layer);
          if (!l) return;
          if (e.type === "overlayadd") state.shown.add(l); else state.shown.delete(l);
          for (const k of ["area", "community", "street"]) if (grids[k] && map.hasLayer(grids[k])) grids[k].bringToFront();
          updateLabels();
          writeLink();
        });
        map.on("click", e => ask({ lon: +e.latlng.lng.toFixed(7), lat: +e.latlng.lat.toFixed(7), crs: "cgcs2000" }, false));
        """#
}
