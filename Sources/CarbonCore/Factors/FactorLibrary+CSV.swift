import Foundation

extension FactorLibrary {
    /// The columns of the library's CSV form (the shipped file and user sets alike).
    public static let csvColumns = [
        "factor_id", "category", "parameter", "subject", "name", "value", "unit", "gas", "region", "region_level",
        "scope", "data_year", "year_note", "publication", "source_read", "verification_status", "notes",
    ]
    static let requiredColumns = ["factor_id", "parameter", "value", "unit"]

    /// Parses factors from CSV text with a header row. Only `factor_id`, `parameter`, `value` and
    /// `unit` are required; a user set names its `factorSet`. Errors carry the line and column name.
    public static func parseCSV(_ text: String, factorSet: String = "default") throws(CalculationError)
        -> [EmissionFactor]
    {
        let rows = try CSVText.parse(text)
        guard let header = rows.first else { throw CalculationError(.invalidInput, "the factor file is empty") }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        for required in requiredColumns where !names.contains(required) {
            throw CalculationError(.missingInput, "line 1: the header has no '\(required)' column", field: required)
        }
        var seen: Set<String> = []
        var factors: [EmissionFactor] = []
        for row in rows.dropFirst() {
            guard row.fields.count == names.count else {
                throw CalculationError(
                    .invalidInput, "line \(row.line): \(row.fields.count) fields, the header has \(names.count)")
            }
            let record = Dictionary(zip(names, row.fields), uniquingKeysWith: { first, _ in first })
            let factor = try makeFactor(record, factorSet: factorSet, line: row.line)
            guard seen.insert(factor.factorID).inserted else {
                throw CalculationError(.invalidInput, "line \(row.line): factor_id '\(factor.factorID)' appears twice",
                                       field: "factor_id")
            }
            factors.append(factor)
        }
        return factors
    }

    /// Builds one factor from named text fields (a CSV row or a JSON object of strings).
    public static func makeFactor(_ record: [String: String], factorSet: String, line: Int? = nil)
        throws(CalculationError) -> EmissionFactor
    {
        let place = line.map { "line \($0): " } ?? ""
        func text(_ key: String) -> String? {
            guard let value = record[key]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        func required(_ key: String) throws(CalculationError) -> String {
            guard let value = text(key) else {
                throw CalculationError(.missingInput, "\(place)'\(key)' is empty", field: key)
            }
            return value
        }
        let id = try required("factor_id")
        let quantity: Quantity
        do {
            quantity = try Quantity(value: try required("value"), unit: try required("unit"))
        } catch {
            throw CalculationError(error.code, "\(place)factor '\(id)': \(error.message)", field: error.field)
        }
        var dataYear: Int? = nil
        if let year = text("data_year") {
            guard let parsed = Int(year), (1900...2200).contains(parsed) else {
                throw CalculationError(.invalidInput, "\(place)factor '\(id)': data_year '\(year)' is not a year",
                                       field: "data_year")
            }
            dataYear = parsed
        }
        return EmissionFactor(
            factorID: id, category: text("category") ?? "", parameter: try required("parameter"),
            subject: text("subject"), name: text("name") ?? id, quantity: quantity, gas: text("gas"),
            region: text("region"), regionLevel: text("region_level"), scope: text("scope") ?? "default",
            dataYear: dataYear, yearNote: text("year_note"),
            publication: text("publication") ?? (factorSet == "default" ? "" : "user factor set '\(factorSet)'"),
            sourceRead: text("source_read") ?? "", verificationStatus: text("verification_status") ?? "user",
            notes: text("notes"), factorSet: factorSet)
    }

    /// The factors as CSV text in the library's column order.
    public static func csv(_ factors: [EmissionFactor]) -> String {
        var lines = [csvColumns.joined(separator: ",")]
        for f in factors {
            let fields = [
                f.factorID, f.category, f.parameter, f.subject ?? "", f.name, DecimalText.plain(f.quantity.value),
                f.quantity.unit.symbol, f.gas ?? "", f.region ?? "", f.regionLevel ?? "", f.scope,
                f.dataYear.map(String.init) ?? "", f.yearNote ?? "", f.publication, f.sourceRead,
                f.verificationStatus, f.notes ?? "",
            ]
            lines.append(fields.map(CSVText.escape).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
