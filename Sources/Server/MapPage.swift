/// The web map served at `/`: one page on Leaflet (Debian's libjs-leaflet, embedded in the binary
/// and served from `/assets/leaflet/`, so it works offline on a street office PC: no CDN, no tiles).
///
/// It draws the plan's grids by level from `/api/grids`, asks `/api/who-covers` for a clicked point,
/// a typed address or one carried in the link, and shows the chain of responsible people. The link
/// (`/#address=…` or `/#lon=…&lat=…&crs=…`, plus `at`, the view `c`/`z`, `layers` and `lang`) reopens
/// the same answer and view, so a call-taker can send it on. Chinese first; `lang=en` for English.
enum MapPage {
    static let html = #"""
        <!doctype html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
        <title>gridplan · 谁负责这里？</title>
        <link rel="stylesheet" href="/assets/leaflet/leaflet.css">
        <style>
        \#(MapStyle.css)
        </style>
        </head>
        <body>
        <div id="map" role="application" aria-label="网格地图"></div>
        <aside id="side">
          <header>
            <h1 data-i18n="title">谁负责这里？</h1>
            <button type="button" id="lang" aria-label="English">EN</button>
            <button type="button" id="fold" aria-label="收起">▾</button>
          </header>
          <form id="ask">
            <input type="search" id="address" enterkeyhint="search" autocomplete="off" data-i18n-placeholder="addressHint"
                   placeholder="地址，如 赤坎区中华街道…">
            <button type="submit" id="go" data-i18n="ask">查询</button>
            <label class="muted day"><span data-i18n="day">日期</span> <input type="date" id="at"></label>
          </form>
          <div class="hint muted" data-i18n="clickHint">在地图上点选位置，或输入地址。</div>
          <div id="answer" data-state="idle" aria-live="polite"></div>
          <section id="grid-panel" hidden></section>
          <p id="plan" class="muted"></p>
        </aside>
        <script src="/assets/leaflet/leaflet.min.js"></script>
        <script>
        \#(MapScript.i18n)
        \#(MapScript.map)
        \#(MapScript.cases)
        \#(MapScript.answer)
        </script>
        </body>
        </html>
        """#
}
