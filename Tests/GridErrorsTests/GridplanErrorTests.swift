import GridErrors
import Testing

@Suite struct GridplanErrorTests {
    @Test func settingsAreRenderedByWhoeverShowsTheError() {
        let error = GridplanError(
            .badInput, "the coordinates have no CRS", source: .file("cases.csv"),
            hint: "give it with \(setting: "crs"), e.g. EPSG:4490")
        #expect(error.rendered { "--\($0.rawValue)" } == "cases.csv: the coordinates have no CRS; give it with --crs, e.g. EPSG:4490")
        #expect(error.description == "cases.csv: the coordinates have no CRS; give it with crs, e.g. EPSG:4490")
        #expect(error.hint?.settings == ["crs"])
    }

    @Test func interpolatedValuesStayText() {
        let n = 3, name = "U1"
        let wording: Wording = "\(setting: "nearest") \(n): no case near \(name)"
        #expect(wording.rendered { "--" + $0.rawValue } == "--nearest 3: no case near U1")
        #expect(wording.settings == ["nearest"])
        #expect((wording + Wording("; more")).description == "nearest 3: no case near U1; more")
    }

    @Test func sourceNamesFileLineFeatureAndField() {
        #expect(ErrorSource(file: "cases.csv", line: 3, field: "lon").description == "cases.csv line 3, field lon")
        #expect(ErrorSource(file: "grids.shp", feature: "12").description == "grids.shp feature 12")
        #expect(ErrorSource(feature: "grid U1").description == "grid U1")
        #expect(ErrorSource(field: "households").description == "field households")
        #expect(ErrorSource().description.isEmpty)
        #expect(GridplanError(.notFound, "no such plan", source: ErrorSource()).description == "no such plan")
    }

    @Test func anOuterPlaceFillsOnlyWhatIsMissing() {
        let inner = GridplanError(.badInput, "not a number", source: ErrorSource(field: "households"))
        let placed = inner.at(ErrorSource(file: "grids.shp", feature: "7", field: "ignored"))
        #expect(placed.source == ErrorSource(file: "grids.shp", feature: "7", field: "households"))
        #expect(placed.kind == .badInput)
    }
}
