import CarbonCore
import Foundation

/// The shipped emission factor library (Resources/factors.csv, made from the reference seed by
/// data/factors/clean_seed.py). Kept apart from CarbonCore so the core stays free of file I/O.
public enum FactorSeed {
    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The CSV text of the shipped library.
    public static func csvText() throws -> String {
        guard let url = Bundle.module.url(forResource: "factors", withExtension: "csv") else {
            throw LoadError(description: "the shipped factor library (factors.csv) is missing from the installation")
        }
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The shipped library, parsed.
    public static func library() throws -> FactorLibrary {
        FactorLibrary(factors: try FactorLibrary.parseCSV(try csvText(), factorSet: "default"))
    }
}
