import ArgumentParser
import CarbonCore
import CarbonData
import Foundation

/// `--factors FILE` (repeatable): user factor sets layered over the shipped library, in CSV
/// (the library's columns) or JSON (an array of objects with the same keys, values as strings).
struct FactorOptions: ParsableArguments {
    @Option(name: .customLong("factors"), help: "A user factor set (CSV or JSON) that overrides the defaults; repeatable.")
    var userSets: [String] = []

    func library() throws -> FactorLibrary {
        var library = try FactorSeed.library()
        for path in userSets {
            let data = try readInput(path)
            let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            do {
                let factors: [EmissionFactor]
                if path.hasSuffix(".json") {
                    let records = try InputDecoding.decode([[String: String]].self, from: data)
                    var parsed: [EmissionFactor] = []
                    for (index, record) in records.enumerated() {
                        do {
                            parsed.append(try FactorLibrary.makeFactor(record, factorSet: name))
                        } catch {
                            throw error.at("[\(index)]")
                        }
                    }
                    factors = parsed
                } else {
                    factors = try FactorLibrary.parseCSV(String(decoding: data, as: UTF8.self), factorSet: name)
                }
                library = library.overlaying(factors)
            } catch let error as CalculationError {
                throw Failure(file: path, error)
            }
        }
        return library
    }
}
