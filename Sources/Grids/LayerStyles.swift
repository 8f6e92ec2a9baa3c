import Foundation
package import GRDB
public import GridStore

/// Default styles in `layer_styles`, the table QGIS reads when it opens a GeoPackage layer (and
/// writes with "Save as default"): the four levels of grids with outlines a planner tells apart at a
/// glance, ended grids hidden, findings by severity, cases by status. The columns are those QGIS's OGR
/// provider creates; a style row matches a layer by `f_table_name` and `f_geometry_column`, with
/// `f_table_schema` empty. A plan whose users already saved default styles keeps them: gridplan's are
/// then added as alternatives (`useAsDefault` 0) that QGIS lists under Styles.
package enum LayerStyles {
    /// One rule of a rule-based renderer: the features `filter` selects, drawn by `symbol`;
    /// `shown` false leaves the rule unticked in the legend (its features are not drawn until ticked).
    package struct Rule {
        var label: String
        var filter: String
        var symbol: Symbol
        var shown = true

        package init(_ label: String, _ filter: String, _ symbol: Symbol, shown: Bool = true) {
            (self.label, self.filter, self.symbol, self.shown) = (label, filter, symbol, shown)
        }
    }

    /// A simple fill (outline and optional fill), line or marker; colours are "r,g,b,a". A symbol draws
    /// only features of its own geometry type, which lets one style serve a layer of mixed types.
    package enum Symbol {
        case fill(fill: String?, outline: String, width: Double, dashed: Bool = false)
        case line(color: String, width: Double)
        case marker(fill: String, outline: String, size: Double, shape: String = "circle")

        var type: String {
            switch self {
            case .fill: "fill"
            case .line: "line"
            case .marker: "marker"
            }
        }

        var layer: String {
            switch self {
            case .fill(let fill, let outline, let width, let dashed):
                let props = [
                    ("color", fill ?? "0,0,0,0"), ("style", fill == nil ? "no" : "solid"), ("outline_color", outline),
                    ("outline_style", dashed ? "dash" : "solid"), ("outline_width", "\(width)"), ("outline_width_unit", "MM"),
                ]
                return "<layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">\(LayerStyles.props(props))</layer>"
            case .line(let color, let width):
                let props = [("line_color", color), ("line_style", "solid"), ("line_width", "\(width)"), ("line_width_unit", "MM")]
                return "<layer class=\"SimpleLine\" enabled=\"1\" locked=\"0\" pass=\"0\">\(LayerStyles.props(props))</layer>"
            case .marker(let fill, let outline, let size, let shape):
                let props = [
                    ("name", shape), ("color", fill), ("outline_color", outline), ("outline_width", "0.2"),
                    ("size", "\(size)"), ("size_unit", "MM"),
                ]
                return "<layer class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" pass=\"0\">\(LayerStyles.props(props))</layer>"
            }
        }
    }

    static func props(_ pairs: [(String, String)]) -> String {
        pairs.map { "<prop k=\"\($0.0)\" v=\"\(escape($0.1))\"/>" }.joined()
    }

    /// XML attribute text.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// A QGIS style (QML) with a rule-based renderer; rules are drawn in order, the first at the bottom.
    package static func qml(_ rules: [Rule]) -> String {
        let ruleXML = rules.enumerated().map { i, r in
            "<rule key=\"r\(i)\" label=\"\(escape(r.label))\" filter=\"\(escape(r.filter))\" symbol=\"\(i)\" checkstate=\"\(r.shown ? 1 : 0)\"/>"
        }
        let symbols = rules.enumerated().map { i, r in
            "<symbol type=\"\(r.symbol.type)\" name=\"\(i)\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\(r.symbol.layer)</symbol>"
        }
        return """
            <!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
            <qgis version="3.22.0" styleCategories="Symbology">
            <renderer-v2 type="RuleRenderer" symbollevels="0" forceraster="0" enableorderby="0">
            <rules key="root">\(ruleXML.joined(separator: "\n"))</rules>
            <symbols>\(symbols.joined(separator: "\n"))</symbols>
            </renderer-v2>
            </qgis>
            """
    }

    /// The table as QGIS creates it (through OGR: `id` as the feature id, registered as attributes),
    /// unless the plan has one already.
    static func createTable(_ db: Database) throws {
        guard try !db.tableExists("layer_styles") else { return }
        try db.execute(
            sql: """
                CREATE TABLE layer_styles (
                  id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
                  f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT,
                  useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
                  update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))
                """)
        try FeatureTables.registerAttributes(
            db, table: "layer_styles", description: "Map styles QGIS applies when it opens a layer (gridplan's defaults and users' own)")
    }

    /// Stores `rules` as gridplan's style for `table`: the default one unless the plan's users set their own.
    package static func add(_ db: Database, table: String, rules: [Rule], description: String) throws {
        let taken =
            try Bool.fetchOne(
                db, sql: "SELECT 1 FROM layer_styles WHERE f_table_name = ? AND f_geometry_column = 'geom' AND useAsDefault", arguments: [table])
            ?? false
        try db.execute(
            sql: """
                INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML,
                                          styleSLD, useAsDefault, description, owner)
                VALUES ('', '', ?, 'geom', ?, ?, '', ?, ?, 'gridplan')
                """, arguments: [table, "gridplan \(table)", qml(rules), taken ? 0 : 1, description])
    }
}

extension GridsSchema {
    public static let v9Styles = SchemaMigration("v9: default QGIS styles for grids and findings (layer_styles)", migrate: v9)

    /// Grids: the street's thick dark-red outline over the community's orange, the area's dashed
    /// blue and the unit's thin green with a faint fill; ended grids grey and dashed, unticked.
    /// Findings: magenta errors, orange warnings, grey noise, as areas, lines or diamonds.
    static func v9(_ db: Database) throws {
        try LayerStyles.createTable(db)
        let current = "\"valid_to\" IS NULL AND \"level\" = "
        try LayerStyles.add(
            db, table: "grids",
            rules: [
                .init(
                    "已结束 ended (history)", "\"valid_to\" IS NOT NULL", .fill(fill: nil, outline: "150,150,150,255", width: 0.2, dashed: true),
                    shown: false),
                .init("单元网格 unit", current + "4", .fill(fill: "60,150,80,40", outline: "60,150,80,255", width: 0.3)),
                .init("片区 area", current + "3", .fill(fill: nil, outline: "40,90,200,255", width: 0.5, dashed: true)),
                .init("社区/村 community", current + "2", .fill(fill: nil, outline: "230,120,0,255", width: 0.8)),
                .init("街道 street", current + "1", .fill(fill: nil, outline: "170,20,30,255", width: 1.4)),
            ], description: "Grids by level; ended grids hidden (tick them in the legend to see history)")
        // Findings are places (points), stretches (lines) or areas, often mixed in one layer.
        var findings: [LayerStyles.Rule] = []
        for (severity, label, colour, size) in [
            ("noise", "噪声 noise", "128,128,128", 1.6), ("warning", "警告 warning", "255,150,0", 2.4), ("error", "错误 error", "210,0,120", 3.0),
        ] {
            let match = "\"severity\" = '\(severity)' AND geometry_type($geometry) = "
            findings += [
                .init("\(label) (areas)", match + "'Polygon'", .fill(fill: colour + ",90", outline: colour + ",255", width: 0.5)),
                .init("\(label) (lines)", match + "'Line'", .line(color: colour + ",255", width: 0.8)),
                .init("\(label) (places)", match + "'Point'", .marker(fill: colour + ",230", outline: "60,60,60,255", size: size, shape: "diamond")),
            ]
        }
        try LayerStyles.add(
            db, table: "findings", rules: findings, description: "What validate found, by severity")
    }
}
