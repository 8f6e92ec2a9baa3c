/// The web map's style: a side panel on a desktop, a bottom sheet over a full-screen map on a phone.
enum MapStyle {
    static let css = #"""
        :root { --side: 380px; --sheet: 0px; }
        html, body { margin: 0; height: 100%; font: 14px/1.45 system-ui, "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif;
                     color: #222; overflow: hidden; }
        #map { position: absolute; left: 0; top: 0; bottom: 0; right: var(--side); background: #eef0ea; }
        #side { position: absolute; top: 0; right: 0; bottom: 0; width: var(--side); overflow: auto; box-sizing: border-box;
                padding: 10px 14px; border-left: 1px solid #bbb; background: #fff; z-index: 1000; }
        #side header { display: flex; align-items: center; gap: 6px; margin-bottom: 6px; }
        h1 { font-size: 18px; margin: 0; flex: 1; }
        h2 { font-size: 15px; margin: 12px 0 4px; }
        #lang, #fold { border: 1px solid #999; background: #f6f6f6; border-radius: 4px; padding: 3px 8px; font-size: 13px; }
        #fold { display: none; }
        #ask { display: grid; grid-template-columns: 1fr auto; gap: 6px; margin-bottom: 4px; }
        #address { padding: 7px; font-size: 16px; min-width: 0; }
        #go { padding: 6px 14px; font-size: 15px; }
        .day { grid-column: 1 / 3; }
        .hint, .muted { color: #666; font-size: 12px; }
        .error { color: #b00; font-weight: 600; }
        .status { font-weight: 600; margin: 6px 0 2px; }
        .warn { border: 2px solid #d97706; background: #fff7e6; padding: 6px 8px; border-radius: 6px; margin: 6px 0; }
        .warn b { color: #9a3412; }
        .warn ul { margin: 4px 0; padding-left: 18px; }
        .warn button, .cand { font-size: 13px; }
        table { border-collapse: collapse; width: 100%; margin: 6px 0; }
        td, th { text-align: left; padding: 3px 4px; border-bottom: 1px solid #e4e4e4; vertical-align: top; font-size: 13px; }
        th { background: #f4f4f4; }
        tr.unsure td { color: #777; background: repeating-linear-gradient(135deg, #fff, #fff 6px, #fbf3e4 6px, #fbf3e4 12px); }
        .tag { display: inline-block; font-size: 11px; padding: 0 4px; border-radius: 3px; background: #eee; color: #333; }
        .tag.unsure { background: #fde68a; color: #7c2d12; }
        dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 4px 0; }
        dt { color: #666; } dd { margin: 0; }
        .lbl { pointer-events: none; }
        .lbl span { position: absolute; transform: translate(-50%, -50%); white-space: nowrap; font-weight: 600;
                    text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; }
        .lbl-street span { font-size: 15px; color: #8f1d16; }
        .lbl-community span { font-size: 13px; color: #1d4690; }
        .lbl-area span { font-size: 12px; color: #35587d; }
        .lbl-unit span { font-size: 11px; color: #444; font-weight: 500; }
        .legend { background: #fff; padding: 6px 8px; border-radius: 5px; box-shadow: 0 1px 4px rgba(0,0,0,.35); font-size: 12px; }
        .legend summary { cursor: pointer; font-weight: 600; }
        .legend i { display: inline-block; width: 18px; height: 10px; margin-right: 6px; vertical-align: middle; }
        .legend i.dot { width: 10px; border-radius: 50%; margin: 0 10px 0 4px; }
        .legend div { white-space: nowrap; }
        .legend i.cl { width: 14px; height: 14px; border-radius: 50%; background: #a78bfa; border: 2px solid #6d28d9; margin: 0 6px 0 2px; }
        .cluster { display: flex; align-items: center; justify-content: center; border-radius: 50%; background: rgba(167, 139, 250, .85);
                   border: 2px solid #6d28d9; color: #1e1b4b; font-weight: 700; font-size: 12px; box-sizing: border-box; }
        @media (max-width: 760px) {
          #map { right: 0; }
          #side { top: auto; left: 0; width: auto; max-height: 46vh; border-left: 0; border-top: 1px solid #aaa;
                  border-radius: 12px 12px 0 0; box-shadow: 0 -2px 10px rgba(0,0,0,.2); padding: 8px 10px; }
          #side.folded #answer, #side.folded #grid-panel, #side.folded .hint, #side.folded #plan, #side.folded .day { display: none; }
          #fold { display: inline-block; }
          h1 { font-size: 16px; }
          .leaflet-bottom { bottom: var(--sheet); }
        }
        """#
}
