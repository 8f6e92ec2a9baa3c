/// The web map's script, in three parts: words in both languages, the map, and the answer panel.
enum MapScript {
    /// Chinese first, English on the toggle; role and duty codes of the roster (Sources/Duty/Roles.swift) in words.
    static let i18n = #"""
        "use strict";
        const WORDS = {
          zh: {
            title: "谁负责这里？", ask: "查询", day: "日期", addressHint: "地址，如 赤坎区中华街道…",
            clickHint: "在地图上点选位置，或输入地址。", street: "街道", community: "社区", area: "片区", unit: "单元网格",
            level: "层级", grid: "网格", onDuty: "在岗人员", nobody: "无人在岗", households: "户数", residents: "人口",
            code: "编码", name: "名称", validFrom: "生效日期", extent: "面积", radius: "服务半径", load: "今日负荷", openCases: "未结案件", parent: "上级", legend: "图例", point: "查询位置",
            base: "网格员驻点", candidate: "候选位置", hit: "所在网格", unsureArea: "地址可能所在范围",
            inside: "位于网格内", boundary: "位于网格交界：按编码最小的网格计", snapped: "在网格外 {d}：就近归入最近网格",
            outside: "不在任何网格内：最近网格相距 {d}", emergency: "最小应急单元（最近在岗人员）", gridPanel: "网格概况",
            unitGridder: "单元网格员 <b>{n}</b>：驻点距查询位置 {d}。", maybeGridder: "可能的网格员（未确认）",
            placed: "地址 <b>{a}</b> → {l}“{m}”，置信度 {c}", interpolated: "（门牌插值）",
            unsure: "⚠ 地址只定位到{l}级，置信度 {c}：不能确定是哪个网格。下列网格和网格员只是{l}代表点所在的网格，"
              + "不一定负责该地址。请向来电人核实门牌，或在地图上点选确切位置。",
            unsureLow: "⚠ 地址匹配不确定（{l}“{m}”，置信度 {c}）：不能确定是哪个网格。下列网格和网格员不一定负责该地址，请向来电人核实。",
            candidates: "候选位置：", noCandidates: "{l}“{m}”内共有 {n} 个单元网格：", noFiner: "没有更具体的候选位置。",
            askHere: "查此处", loading: "查询中…", noGrids: "方案中还没有网格。", plan: "{p}：{g}；{n} 名人员；地名库 {s} 条",
            langButton: "EN", fold: "收起", unfold: "展开", zoomIn: "放大", zoomOut: "缩小", unsureTag: "未确认",
            road: "道路", county: "区县", house_number: "门牌", building: "建筑", compound: "小区", maybe: "可能",
            grid_chief: "网格长", full_time_gridder: "专职网格员", part_time_gridder: "兼职网格员", mobile_gridder: "流动网格员",
            community_police: "社区民警", legal_adviser: "法律顾问", department_contact: "部门联系人",
            primary: "主责", backup: "备岗", chief: "负责人", error: "出错：", people: "人",
            cases: "案件", plain: "不着色", choro: "案件数（每千户）", oneCase: "单个案件", cluster: "案件聚合（数量）"
          },
          en: {
            title: "Who covers this?", ask: "Ask", day: "Day", addressHint: "Address, e.g. 赤坎区中华街道…",
            clickHint: "Click a point on the map, or type an address.", street: "Street", community: "Community", area: "Area",
            unit: "Unit grid", level: "Level", grid: "Grid", onDuty: "On duty", nobody: "no one on duty", households: "Households",
            residents: "Residents", code: "Code", name: "Name", validFrom: "Valid from", extent: "Area", radius: "Service radius",
            load: "Load today", openCases: "Open cases", parent: "Parent", legend: "Legend",
            point: "Asked point", base: "Gridder's base", candidate: "Candidate place", hit: "Grid of the point",
            unsureArea: "Where the address may lie", inside: "Inside a grid",
            boundary: "On a shared boundary: given to the grid with the lowest code",
            snapped: "Outside by {d}: snapped to the nearest grid", outside: "OUTSIDE every grid: the nearest is {d} away",
            emergency: "Minimal emergency unit (nearest on duty)", gridPanel: "Grid figures",
            unitGridder: "Unit gridder <b>{n}</b>: base {d} from the point.", maybeGridder: "Possible gridder (not confirmed)",
            placed: "Address <b>{a}</b> → {l} “{m}”, confidence {c}", interpolated: " (house number interpolated)",
            unsure: "⚠ The address is placed only at {l} level, confidence {c}: the grid is NOT known. The grid and gridder"
              + " below are those at the {l}'s representative point and may not cover the address. Ask the caller for the"
              + " house number, or click the exact place on the map.",
            unsureLow: "⚠ The address match is uncertain ({l} “{m}”, confidence {c}): the grid is NOT known. The grid and gridder"
              + " below may not cover the address; check with the caller.",
            candidates: "Candidates:", noCandidates: "{l} “{m}” holds {n} unit grids:", noFiner: "No finer candidate place.",
            askHere: "ask here", loading: "Asking…", noGrids: "The plan has no grids yet.",
            plan: "{p}: {g}; {n} people; {s} gazetteer places", langButton: "中文", fold: "Fold", unfold: "Unfold",
            zoomIn: "Zoom in", zoomOut: "Zoom out", unsureTag: "unconfirmed", road: "road", county: "county",
            house_number: "house number", building: "building", compound: "compound", maybe: "possibly",
            grid_chief: "grid chief", full_time_gridder: "full-time gridder", part_time_gridder: "part-time gridder",
            mobile_gridder: "mobile gridder", community_police: "community police", legal_adviser: "legal adviser",
            department_contact: "department contact", primary: "primary", backup: "backup", chief: "chief", error: "Error: ",
            people: "people", cases: "Cases", plain: "No colouring", choro: "Cases per 1,000 households",
            oneCase: "One case", cluster: "Cases grouped (count)"
          }
        };
        let lang = "zh";
        /// A word in the current language, with {x} filled from `fill` (values are not escaped here).
        function t(key, fill) {
          let s = WORDS[lang][key] ?? WORDS.zh[key] ?? key;
          for (const [k, v] of Object.entries(fill || {})) s = s.split(`{${k}}`).join(v);
          return s;
        }
        const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
        function applyWords() {
          document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
          document.title = `gridplan · ${t("title")}`;
          document.querySelectorAll("[data-i18n]").forEach(e => { e.textContent = t(e.dataset.i18n); });
          document.querySelectorAll("[data-i18n-placeholder]").forEach(e => { e.placeholder = t(e.dataset.i18nPlaceholder); });
          document.getElementById("lang").textContent = t("langButton");
        }
        """#
}
