import Testing

@testable import EdgeAgent

@Suite struct TopicFilterTests {
    struct Case: Sendable, CustomStringConvertible {
        var filter: String
        var topic: String
        var matches: Bool
        var description: String { "\(filter) \(matches ? "matches" : "does not match") \(topic)" }
    }

    // MQTT 3.1.1 §4.7 examples, plus the edges.
    @Test(arguments: [
        Case(filter: "plant/+/stack/+/co2", topic: "plant/p1/stack/s2/co2", matches: true),
        Case(filter: "plant/+/stack/+/co2", topic: "plant/p1/stack/s2/ch4", matches: false),
        Case(filter: "plant/+/stack/+/co2", topic: "plant/p1/stack/co2", matches: false),
        Case(filter: "plant/+/stack/+/co2", topic: "plant/p1/stack/s2/co2/x", matches: false),
        Case(filter: "sport/#", topic: "sport", matches: true),
        Case(filter: "sport/#", topic: "sport/tennis/player1", matches: true),
        Case(filter: "sport/#", topic: "sports", matches: false),
        Case(filter: "#", topic: "a/b/c", matches: true),
        Case(filter: "+", topic: "a", matches: true),
        Case(filter: "+", topic: "a/b", matches: false),
        Case(filter: "+/+", topic: "/finance", matches: true),
        Case(filter: "/+", topic: "/finance", matches: true),
        Case(filter: "a/+/c", topic: "a//c", matches: true),
        Case(filter: "#", topic: "$SYS/broker/uptime", matches: false),
        Case(filter: "+/broker/uptime", topic: "$SYS/broker/uptime", matches: false),
        Case(filter: "$SYS/#", topic: "$SYS/broker/uptime", matches: true),
        Case(filter: "Plant/x", topic: "plant/x", matches: false),
    ])
    func matching(_ c: Case) throws {
        #expect((try TopicFilter(c.filter).match(c.topic) != nil) == c.matches)
    }

    @Test func matchReturnsTheTopicsLevels() throws {
        #expect(try TopicFilter("plant/#").match("plant/p1/stack/s2") == ["plant", "p1", "stack", "s2"])
    }

    @Test(arguments: ["", "a/#/b", "a/b#", "a+/b", "a/+b", "##", "a\0b"])
    func invalidFiltersAreRefused(_ text: String) {
        #expect(throws: MQTTMappingError.self) { try TopicFilter(text) }
    }

    @Test func fixedLevelCount() throws {
        #expect(try TopicFilter("a/+/c").fixedLevelCount == 3)
        #expect(try TopicFilter("a/#").fixedLevelCount == nil)
    }
}
