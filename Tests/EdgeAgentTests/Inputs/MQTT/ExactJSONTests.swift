import Foundation
import Testing

@testable import EdgeAgent

@Suite struct ExactJSONTests {
    func parse(_ text: String) throws(MQTTMappingError) -> JSONValue { try ExactJSONParser.parse(Array(text.utf8)) }

    @Test func numbersKeepTheirTextExactly() throws {
        let value = try parse(#"{"a": 0.1, "b": -0.10, "c": 1e-3, "d": [0, 12345678901234567890.5]}"#)
        #expect(
            value
                == .object([
                    "a": .number("0.1"), "b": .number("-0.10"), "c": .number("1e-3"),
                    "d": .array([.number("0"), .number("12345678901234567890.5")]),
                ]))
    }

    @Test func scalarsAtTheTopLevelAndWhitespace() throws {
        #expect(try parse(" 21.5\n") == .number("21.5"))
        #expect(try parse(#""x""#) == .string("x"))
        #expect(try parse("true") == .bool(true))
        #expect(try parse("null") == .null)
        #expect(try parse("[ ]") == .array([]))
        #expect(try parse("{ }") == .object([:]))
    }

    @Test func escapesAndUnicode() throws {
        #expect(try parse(#""a\"b\\c\/d\n\t\u00e9\u6c14""#) == .string("a\"b\\c/d\n\té气"))
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try parse("\"二氧化碳\"") == .string("二氧化碳"))
    }

    @Test(arguments: [
        "", "{", "[1,]", #"{"a":1,}"#, "01", "1.", ".5", "+1", "-", "1e", "NaN", "Infinity", "tru", "nul",
        #"{"a":1,"a":2}"#, "\"tab\there\"", #""\ud83d""#, #""\ude00""#, #""\x""#, #""\u12""#, #""\u+123""#,
        "1 2", "{} x", #"{'a':1}"#, #"{a:1}"#, "\"unterminated",
    ])
    func malformedPayloadsAreRefused(_ text: String) {
        #expect(throws: MQTTMappingError.self) { try parse(text) }
        do { _ = try parse(text) } catch { #expect(error.code == .notJSON) }
    }

    @Test func invalidUTF8IsRefusedNotRepaired() {
        #expect(throws: MQTTMappingError.self) { try ExactJSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) }
    }

    @Test func nestingIsCapped() throws {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: MQTTMappingError.self) { try parse(deep) }
        let fine = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try parse(fine)
    }
}
