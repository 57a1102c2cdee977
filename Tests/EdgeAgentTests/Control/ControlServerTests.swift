import CarbonCore
import Foundation
import Glibc
import Testing

@testable import EdgeAgent

/// The control socket for real: a ControlServer on a temporary path, a client over the socket.
@Suite struct ControlServerTests {
    typealias F = AlarmFixtures

    @Test func listAckShelveAndUnshelveThroughTheSocket() async throws {
        let fixture = try await ControlFixture.start()
        try await fixture.service.evaluate(tag: F.stack, value: 125, at: F.at(0))
        try await fixture.service.evaluate(tag: F.flow, value: 3, at: F.at(0))
        let path = fixture.server.path
        let uid = getuid()
        let lines = try await ControlTestClient.run { () throws -> [String] in
            let client = try ControlTestClient(path: path)
            return [
                try client.request(#"{"command":"list"}"#),
                try client.request(
                    #"{"command":"ack","tag":"stack1.co2","kind":"hh","operator":"li","comment":"fan 2"}"#),
                try client.request(#"{"command":"list","state":"unacknowledged"}"#),
                try client.request(
                    #"{"command":"shelve","tag":"boiler-1/flow","kind":"L","duration":"7200","operator":"wang"}"#),
                try client.request(#"{"command":"list","state":"shelved"}"#),
                try client.request(#"{"command":"unshelve","tag":"boiler-1/flow","kind":"L","operator":"wang"}"#),
                try client.request(#"{"command":"history","limit":2}"#),
            ]
        }
        let replies = try lines.map(ControlTestClient.object)
        let listed = try #require(replies[0]["alarms"] as? [[String: Any]])
        #expect(
            listed.map { "\($0["tag"]!) \($0["kind"]!) \($0["state"]!)" } == [
                "stack1.co2 HH unacknowledged_active", "boiler-1/flow L unacknowledged_active",
                "stack1.co2 H suppressed_by_design",
            ])
        #expect(listed[0]["value"] as? String == "125" && listed[0]["limit"] as? String == "120")
        #expect(
            listed[0]["since"] as? String == "2024-06-01T00:00:00.000Z"
                && listed[0]["priority"] as? String == "critical")

        let acked = try #require(replies[1]["transitions"] as? [[String: Any]])
        #expect(acked.count == 1)
        #expect(acked[0]["to"] as? String == "acknowledged_active" && acked[0]["operator"] as? String == "li")
        #expect(acked[0]["operator_uid"] as? Int == Int(uid) && acked[0]["comment"] as? String == "fan 2")
        #expect(acked[0]["time"] as? String == "2024-06-01T00:16:40.000Z")

        let unacknowledged = try #require(replies[2]["alarms"] as? [[String: Any]])
        #expect(unacknowledged.map { $0["kind"] as? String } == ["L"])

        let shelved = try #require(replies[3]["transitions"] as? [[String: Any]])
        #expect(shelved.map { $0["to"] as? String } == ["shelved"])
        let shelf = try #require((replies[4]["alarms"] as? [[String: Any]])?.first?["shelf"] as? [String: Any])
        #expect(shelf["by"] as? String == "wang" && shelf["until"] as? String == "2024-06-01T02:16:40.000Z")

        let unshelved = try #require(replies[5]["transitions"] as? [[String: Any]])
        #expect(unshelved.map { $0["to"] as? String } == ["unacknowledged_active"])
        let history = try #require(replies[6]["transitions"] as? [[String: Any]])
        #expect(history.map { $0["cause"] as? String } == ["unshelve", "shelve"])

        // What went over the socket is what the store holds.
        #expect(await fixture.service.engine(for: F.stack)?.state(of: .hh) == .acknowledgedActive)
        await fixture.stop()
    }

    @Test func malformedRequestsGetAnErrorReplyAndTheConnectionGoesOn() async throws {
        let fixture = try await ControlFixture.start()
        let path = fixture.server.path
        let cases: [(String, String, String?)] = [
            ("not json", "bad_request", nil),
            ("[1, 2]", "bad_request", nil),
            (#"{"command": 7}"#, "invalid_field", "command"),
            (#"{"command": "reboot"}"#, "unknown_command", "command"),
            (#"{"command": "ack", "kind": "HH", "operator": "li"}"#, "missing_field", "tag"),
            (#"{"command": "ack", "tag": "stack1.co2", "kind": "XX", "operator": "li"}"#, "invalid_field", "kind"),
            (#"{"command": "ack", "tag": "stack1.co2", "kind": "HH"}"#, "missing_field", "operator"),
            (#"{"command": "ack", "tag": "nowhere", "kind": "HH", "operator": "li"}"#, "unknown_tag", "tag"),
            (#"{"command": "ack", "tag": "boiler-1/flow", "kind": "HH", "operator": "li"}"#, "invalid_field", "kind"),
            (#"{"command": "list", "colour": "red"}"#, "invalid_field", "colour"),
            (
                #"{"command": "shelve", "tag": "stack1.co2", "kind": "H", "operator": "li"}"#, "missing_field",
                "duration"
            ),
            (
                #"{"command": "shelve", "tag": "stack1.co2", "kind": "H", "duration": 60, "operator": "li"}"#,
                "invalid_field", "duration"
            ),
            (
                #"{"command": "shelve", "tag": "stack1.co2", "kind": "H", "until": "tomorrow", "operator": "li"}"#,
                "invalid_field", "until"
            ),
            (
                #"{"command": "shelve", "tag": "stack1.co2", "kind": "H", "until": "2020-01-01T00:00:00Z", "operator": "li"}"#,
                "invalid_field", "until"
            ),
            (#"{"command": "history", "limit": 0}"#, "invalid_field", "limit"),
            ("\u{FF}\u{FE}", "bad_request", nil),
        ]
        let requests = cases.map(\.0)
        let lines = try await ControlTestClient.run { () throws -> [String] in
            let client = try ControlTestClient(path: path)
            var replies = try requests.map { try client.request($0) }
            client.send("\n  \n")  // blank lines are skipped, not answered
            replies.append(try client.request(#"{"command": "list"}"#))
            return replies
        }
        let replies = try lines.map(ControlTestClient.object)
        for (index, (request, code, field)) in cases.enumerated() {
            let error = fixture.error(replies[index])
            #expect(error.code == code, "\(request)")
            #expect(error.field == field, "\(request)")
            #expect(((replies[index]["error"] as? [String: Any])?["message"] as? String)?.isEmpty == false)
        }
        #expect(replies.last?["alarms"] != nil)
        await fixture.stop()
    }

    @Test func aTooLongLineIsRefusedAndOnlyThatConnectionClosed() async throws {
        let fixture = try await ControlFixture.start(maximumRequestBytes: 1_024)
        let path = fixture.server.path
        let (refusal, afterwards, fresh) = try await ControlTestClient.run { () throws -> (String?, String?, String) in
            let client = try ControlTestClient(path: path)
            client.send(#"{"command":"list","tag":""# + String(repeating: "x", count: 10_000) + "\"}\n")
            return (
                client.readLine(), client.readLine(), try ControlTestClient(path: path).request(#"{"command":"list"}"#)
            )
        }
        #expect(fixture.error(try ControlTestClient.object(try #require(refusal))).code == "request_too_large")
        #expect(afterwards == nil)  // closed
        #expect(try ControlTestClient.object(fresh)["alarms"] != nil)
        await fixture.stop()
    }

    @Test func theSocketIsGroupOnlyAndRemovedAtStop() async throws {
        let fixture = try await ControlFixture.start()
        var info = stat()
        #expect(lstat(fixture.server.path, &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFSOCK)
        #expect(info.st_mode & 0o777 == 0o660)
        #expect(info.st_gid == getegid())
        let path = fixture.server.path
        await fixture.server.stop()
        #expect(!FileManager.default.fileExists(atPath: path))
        await fixture.stop()
    }

    @Test func aStaleSocketIsReplacedButALiveOneOrAFileIsNot() async throws {
        let fixture = try await ControlFixture.start()
        let live = #expect(throws: ControlError.self) {
            _ = try ControlServer.start(ControlServerConfiguration(path: fixture.server.path), service: fixture.service)
        }
        #expect(live?.code == .pathInUse)

        let file = fixture.dir.path("plain-file")
        #expect(FileManager.default.createFile(atPath: file, contents: Data("keep me".utf8)))
        let notSocket = #expect(throws: ControlError.self) {
            _ = try ControlServer.start(ControlServerConfiguration(path: file), service: fixture.service)
        }
        #expect(notSocket?.code == .pathInUse)
        #expect(FileManager.default.contents(atPath: file) == Data("keep me".utf8))

        // A socket file nobody listens on (a crashed agent's) is taken over.
        let stale = fixture.dir.path("stale.sock")
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = try UnixSocket.address(stale)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        close(fd)
        let replacement = try ControlServer.start(ControlServerConfiguration(path: stale), service: fixture.service)
        let reply = try await ControlTestClient.run {
            try ControlTestClient(path: stale).request(#"{"command":"list"}"#)
        }
        #expect(try ControlTestClient.object(reply)["alarms"] != nil)
        await replacement.stop()
        await fixture.stop()
    }

    @Test func aPathTooLongForAUnixSocketIsRefused() async throws {
        let fixture = try await ControlFixture.start()
        let long = "/tmp/" + String(repeating: "x", count: 120)
        let refused = #expect(throws: ControlError.self) {
            _ = try ControlServer.start(ControlServerConfiguration(path: long), service: fixture.service)
        }
        #expect(refused?.code == .pathTooLong)
        await fixture.stop()
    }
}
