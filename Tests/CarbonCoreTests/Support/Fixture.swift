import Foundation

/// The worked cases of `shared/data/accounting`, copied into this test target (Fixtures/) so a
/// clone tests the same numbers without the shared folder beside it.
enum Fixture {
    static func url(_ name: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    static func data(_ name: String) throws -> Data { try Data(contentsOf: url(name)) }

    /// The parsed JSON object of a fixture file.
    static func json(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: data(name)) as! [String: Any]
    }

    /// The case with `id` from a family file's `cases` array.
    static func testCase(_ file: String, _ id: String) throws -> [String: Any] {
        let cases = try json(file)["cases"] as! [[String: Any]]
        return cases.first { $0["id"] as? String == id }!
    }
}
