import ArgumentParser
import CarbonCore
import Foundation

/// A user-facing failure: one line on standard error, exit status 2, nothing on standard output.
struct Failure: Error {
    var line: String

    init(_ line: String) { self.line = line }

    /// `FILE: field: message`, the form every bad-input error takes.
    init(file: String?, _ error: CalculationError) {
        var parts: [String] = []
        if let file { parts.append(file) }
        if let field = error.field { parts.append(field) }
        parts.append(error.message)
        line = parts.joined(separator: ": ")
    }
}

extension ParsableCommand {
    /// Runs `body`; any failure becomes one line on stderr and exit status 2.
    func reportingFailures(file: String? = nil, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let failure as Failure {
            Self.printError(failure.line)
            throw ExitCode(2)
        } catch let error as CalculationError {
            Self.printError(Failure(file: file, error).line)
            throw ExitCode(2)
        } catch let error as ExitCode {
            throw error
        } catch {
            Self.printError([file, "\(error)"].compactMap { $0 }.joined(separator: ": "))
            throw ExitCode(2)
        }
    }

    static func printError(_ line: String) {
        let text = "carbonctl: " + line.replacingOccurrences(of: "\n", with: " ") + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// Reads a whole input file, or standard input for `-`.
func readInput(_ path: String) throws -> Data {
    if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw Failure("\(path): cannot read the file (missing or not readable)")
    }
    return data
}

/// JSON with decimals as strings, keys sorted so the same input always prints the same bytes.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    print(String(decoding: data, as: UTF8.self))
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case json, table, csv
}
