import Foundation
import Testing

@testable import EdgeAgent

@Suite struct MessageMapperTests {
    typealias F = BufferFixtures
    let received = F.time(0)

    func mapper(_ mappings: TopicMapping...) throws -> MessageMapper { try MessageMapper(mappings: mappings) }

    func map(_ mapper: MessageMapper, _ topic: String, _ payload: String) throws(MQTTMappingError) -> [Reading] {
        try mapper.readings(topic: topic, payload: Array(payload.utf8), receivedAt: received)
    }

    func rejection(_ mapper: MessageMapper, _ topic: String, _ payload: String) -> MQTTMappingError? {
        do {
            _ = try map(mapper, topic, payload)
            return nil
        } catch { return error }
    }

    var stack: TopicMapping {
        get throws {
            try TopicMapping(
                filter: "plant/+/stack/+/co2", fields: [try .init(value: "data.co2", tag: "{1}.{3}.co2", unit: "ppm")])
        }
    }

    @Test func pointOneStaysPointOne() throws {
        let mapper = try self.mapper(
            try TopicMapping(filter: "m/+", fields: [try .init(value: "v", tag: "{1}", unit: "kW")]))
        for payload in [#"{"v": 0.1}"#, #"{"v": "0.1"}"#] {
            let value = try #require(try map(mapper, "m/a", payload).first).value
            #expect(value == F.decimal("0.1"))
            #expect(value.description == "0.1")
        }
        let long = try #require(try map(mapper, "m/a", #"{"v": 12345678901234567890.123456789}"#).first)
        #expect(long.value == F.decimal("12345678901234567890.123456789"))
        #expect(try map(mapper, "m/a", #"{"v": -1.5e-3}"#).first?.value == F.decimal("-0.0015"))
    }

    @Test func wildcardLevelsFillTheTag() throws {
        let readings = try map(try mapper(try stack), "plant/p1/stack/s2/co2", #"{"data": {"co2": "412.5"}}"#)
        #expect(readings == [Reading(tag: "p1.s2.co2", unit: "ppm", time: received, value: F.decimal("412.5"))])
    }

    @Test func multiLevelWildcardAndWholePayload() throws {
        let mapper = try self.mapper(
            try TopicMapping(filter: "meters/#", fields: [try .init(value: "", tag: "{1}/{2}", unit: "kWh")]))
        #expect(try map(mapper, "meters/a/b", "1234.5").first?.tag == "a/b")
        #expect(try map(mapper, "meters/a/b", "1234.5").first?.value == F.decimal("1234.5"))
        #expect(rejection(mapper, "meters/a", "1")?.code == .invalidTag)  // no level {2}
    }

    @Test func arraysGiveOneReadingPerElementWithItsOwnTagAndTime() throws {
        let mapper = try self.mapper(
            try TopicMapping(
                filter: "plant/+/batch",
                fields: [try .init(value: "readings[*].value", tag: "{1}.{readings[*].name}", unit: "Nm3/h")],
                timestamp: try .init(path: "readings[*].ts", format: .unixMilliseconds)))
        let payload = """
            {"readings": [{"name": "flow1", "value": 10.25, "ts": \(F.t0 - 1000)},
                          {"name": "flow2", "value": "0.1", "ts": "\(F.t0 - 500)"}]}
            """
        #expect(
            try map(mapper, "plant/p1/batch", payload) == [
                Reading(tag: "p1.flow1", unit: "Nm3/h", time: F.time(-1000), value: F.decimal("10.25")),
                Reading(tag: "p1.flow2", unit: "Nm3/h", time: F.time(-500), value: F.decimal("0.1")),
            ])
        #expect(try map(mapper, "plant/p1/batch", #"{"readings": []}"#) == [])
        // One bad element rejects the whole message: nothing is half-stored.
        let bad = #"{"readings": [{"name": "a", "value": 1, "ts": 1}, {"name": "b", "value": true, "ts": 1}]}"#
        #expect(rejection(mapper, "plant/p1/batch", bad)?.code == .notANumber)
        #expect(rejection(mapper, "plant/p1/batch", #"{"readings": {"a": 1}}"#)?.code == .missingField)
    }

    @Test func severalFieldsAndFixedIndexes() throws {
        let mapper = try self.mapper(
            try TopicMapping(
                filter: "cems/+",
                fields: [
                    try .init(value: "gas.co2", tag: "{1}.co2", unit: "%"),
                    try .init(value: "flows[1]", tag: "{1}.flow", unit: "Nm3/h"),
                ]))
        let readings = try map(mapper, "cems/s1", #"{"gas": {"co2": "11.2"}, "flows": [1, "2500.0"]}"#)
        #expect(readings.map(\.tag) == ["s1.co2", "s1.flow"])
        #expect(readings.map(\.value) == [F.decimal("11.2"), F.decimal("2500")])
    }

    @Test func timestampsInsideTheWindowAreKept() throws {
        let iso = try self.mapper(
            try TopicMapping(
                filter: "t/+", fields: [try .init(value: "v", tag: "{1}", unit: "")],
                timestamp: try .init(path: "ts", format: .iso8601)))
        // 2024-06-01T00:00:00Z is t0; +08:00 is the same instant written in Beijing time.
        let reading = try #require(try map(iso, "t/a", #"{"v": 1, "ts": "2024-06-01T07:59:59.250+08:00"}"#).first)
        #expect(reading.time == F.time(-750) && reading.quality == .good)
        // Six days old: a backlog delivered after an outage keeps its own time.
        let backlog = try #require(try map(iso, "t/a", #"{"v": 1, "ts": "2024-05-26T00:00:00Z"}"#).first)
        #expect(backlog.time == F.time(-6 * 86_400_000) && backlog.quality == .good)
        #expect(rejection(iso, "t/a", #"{"v": 1, "ts": "2024-06-01T00:00:00"}"#)?.code == .invalidTimestamp)
        #expect(rejection(iso, "t/a", #"{"v": 1, "ts": 1717200000}"#)?.code == .invalidTimestamp)
        #expect(rejection(iso, "t/a", #"{"v": 1}"#)?.code == .invalidTimestamp)

        let seconds = try self.mapper(
            try TopicMapping(
                filter: "t/+", fields: [try .init(value: "v", tag: "{1}", unit: "")],
                timestamp: try .init(path: "meta.time", format: .unixSeconds)))
        let fractional = try #require(try map(seconds, "t/a", #"{"v": 1, "meta": {"time": 1717199999.5}}"#).first)
        #expect(fractional.time == F.time(-500))
    }

    @Test func timestampsOutsideTheWindowBecomeReceiptTimeAndClockUnsynced() throws {
        let mapper = try self.mapper(
            try TopicMapping(
                filter: "t/+", fields: [try .init(value: "v", tag: "{1}", unit: "")],
                timestamp: try .init(
                    path: "ts", format: .unixMilliseconds, maximumAhead: .seconds(600), maximumBehind: .seconds(600))))
        for offset: Int64 in [600_001, -600_001, -F.t0] {  // ahead, behind, a device clock at 1970
            let reading = try #require(try map(mapper, "t/a", #"{"v": "2", "ts": \#(F.t0 + offset)}"#).first)
            #expect(reading.time == received && reading.quality == .clockUnsynced, "offset \(offset)")
            #expect(reading.value == 2)
        }
        let edge = try #require(try map(mapper, "t/a", #"{"v": "2", "ts": \#(F.t0 + 600_000)}"#).first)
        #expect(edge.time == F.time(600_000) && edge.quality == .good)
    }

    @Test func rejectionsSayWhy() throws {
        let mapper = try self.mapper(try stack)
        let topic = "plant/p1/stack/s2/co2"
        #expect(rejection(mapper, "plant/p1/stack/s2/ch4", #"{"data": {"co2": 1}}"#)?.code == .noMapping)
        #expect(rejection(mapper, topic, "not json")?.code == .notJSON)
        #expect(rejection(mapper, topic, #"{"data": {}}"#)?.code == .missingField)
        #expect(rejection(mapper, topic, #"{"data": 5}"#)?.code == .missingField)
        for value in [
            "true", "null", #""n/a""#, #""1,5""#, #""0x10""#, "{}", "1e999", String(repeating: "1", count: 39),
        ] {
            #expect(rejection(mapper, topic, #"{"data": {"co2": \#(value)}}"#)?.code == .notANumber, "\(value)")
        }
        let error = try #require(rejection(mapper, topic, #"{"data": {}}"#))
        #expect(error.topic == topic && error.description.contains("data.co2"))
        let small = try MessageMapper(mappings: [try stack], maximumPayloadBytes: 10)
        #expect(rejection(small, topic, #"{"data": {"co2": 1}}"#)?.code == .payloadTooLarge)
    }

    @Test func tagsFromPayloadFieldsMustBeScalarAndNonEmpty() throws {
        let mapper = try self.mapper(
            try TopicMapping(filter: "d", fields: [try .init(value: "v", tag: "{device}.{{raw}}", unit: "")]))
        #expect(try map(mapper, "d", #"{"v": 1, "device": "b-7"}"#).first?.tag == "b-7.{raw}")
        #expect(try map(mapper, "d", #"{"v": 1, "device": 7}"#).first?.tag == "7.{raw}")
        #expect(rejection(mapper, "d", #"{"v": 1, "device": {"id": 7}}"#)?.code == .invalidTag)
        #expect(rejection(mapper, "d", #"{"v": 1}"#)?.code == .invalidTag)
        let bare = try self.mapper(try TopicMapping(filter: "d", fields: [try .init(value: "v", tag: "{n}", unit: "")]))
        #expect(rejection(bare, "d", #"{"v": 1, "n": ""}"#)?.code == .invalidTag)
    }

    @Test func theFirstMatchingMappingWins() throws {
        let mapper = try self.mapper(
            try TopicMapping(filter: "a/special", fields: [try .init(value: "x", tag: "special", unit: "")]),
            try TopicMapping(filter: "a/+", fields: [try .init(value: "v", tag: "{1}", unit: "")]))
        #expect(try map(mapper, "a/special", #"{"x": 1}"#).first?.tag == "special")
        #expect(try map(mapper, "a/other", #"{"v": 1}"#).first?.tag == "other")
        #expect(mapper.subscriptions == ["a/special", "a/+"])
    }

    @Test func mappingsAreCheckedWhenBuilt() throws {
        func refused(_ build: () throws -> TopicMapping) -> String? {
            do {
                _ = try build()
                return nil
            } catch let error as MQTTMappingError {
                return error.field ?? error.message
            } catch { return "\(error)" }
        }
        #expect(
            refused { try TopicMapping(filter: "a/+", fields: [try .init(value: "v", tag: "{2}", unit: "")]) }
                == "fields[0].tag")
        #expect(refused { try TopicMapping(filter: "a/+", fields: []) } == "fields")
        #expect(
            refused { try TopicMapping(filter: "a/+", fields: [try .init(value: "v", tag: "{r[*].n}", unit: "")]) }
                == "fields[0].tag")
        #expect(
            refused {
                try TopicMapping(
                    filter: "a", fields: [try .init(value: "v", tag: "x", unit: "")],
                    timestamp: try .init(path: "r[*].ts", format: .unixSeconds))
            } == "fields[0].value")
        #expect(
            refused { try TopicMapping(filter: "a/#/b", fields: [try .init(value: "v", tag: "x", unit: "")]) } != nil)
        #expect(throws: MQTTMappingError.self) { try MessageMapper(mappings: []) }
    }

    @Test(arguments: ["a..b", ".a", "a.", "a[", "a[x]", "a[-1]", "a[+1]", "a[*][*]", "a]b", "a.[0]", "a{b"])
    func invalidFieldPaths(_ text: String) {
        #expect(throws: MQTTMappingError.self) { try FieldPath(text) }
    }

    @Test func fieldPathsParse() throws {
        #expect(try FieldPath("readings[*].value").segments == [.member("readings"), .each, .member("value")])
        #expect(try FieldPath("[0][1].a b").segments == [.index(0), .index(1), .member("a b")])
        #expect(try FieldPath("").segments == [])
        let split = try #require(try FieldPath("a.b[*].c[2]").eachSplit)
        #expect(split.array.text == "a.b" && split.element.text == "c[2]")
    }

    @Test(arguments: ["", "{", "}", "{}", "a}b", "{a..b}"])
    func invalidTagTemplates(_ text: String) {
        #expect(throws: MQTTMappingError.self) { try TagTemplate(text) }
    }
}
