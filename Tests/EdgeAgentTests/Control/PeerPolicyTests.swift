import Foundation
import Glibc
import Testing

@testable import EdgeAgent

/// Who may use the control socket: the credential check as a unit, the kernel's SO_PEERCRED for
/// real, and (as root) a real process of another user being refused.
@Suite struct PeerPolicyTests {
    /// Agent uid 990, socket group 991; user 1001 has 991 as a supplementary group.
    let policy = PeerPolicy(agentUID: 990, socketGID: 991, groupsOf: { uid, gid in uid == 1001 ? [gid, 991] : [gid] })

    @Test(arguments: [
        (PeerCredentials(pid: 1, uid: 0, gid: 0), true),  // root
        (PeerCredentials(pid: 1, uid: 990, gid: 100), true),  // the agent itself
        (PeerCredentials(pid: 1, uid: 1000, gid: 991), true),  // primary group is the socket's
        (PeerCredentials(pid: 1, uid: 1001, gid: 100), true),  // supplementary member
        (PeerCredentials(pid: 1, uid: 1002, gid: 100), false),  // a stranger
        (PeerCredentials(pid: 1, uid: 65_534, gid: 65_534), false),  // nobody
    ])
    func decides(_ peer: PeerCredentials, allowed: Bool) {
        switch policy.decide(peer) {
        case .allowed: #expect(allowed)
        case .refused(let reason):
            #expect(!allowed)
            #expect(reason.contains("uid \(peer.uid)") && reason.contains("gid 991"))
        }
    }

    @Test func aRefusedPeerGetsAForbiddenReplyAndChangesNothing() throws {
        let dir = try AlarmTestDirectory()
        defer { dir.remove() }
        let service = try AlarmService.openSync(path: dir.store, rules: try AlarmFixtures.rules())
        defer { service.closeSync() }
        let handler = ControlHandler(service: service, policy: policy, now: { AlarmFixtures.at(10) })
        let stranger = PeerCredentials(pid: 1, uid: 1002, gid: 100)
        for request in [#"{"command":"ack","tag":"stack1.co2","kind":"all","operator":"root"}"#, "garbage"] {
            let reply = handler.reply(to: Data(request.utf8), from: stranger)
            let json = try #require(try JSONSerialization.jsonObject(with: reply) as? [String: Any])
            #expect((json["error"] as? [String: Any])?["code"] as? String == "forbidden")
        }
        #expect(try service.historySync().isEmpty)
        let member = handler.reply(
            to: Data(#"{"command":"list"}"#.utf8), from: PeerCredentials(pid: 1, uid: 1001, gid: 100))
        #expect(String(decoding: member, as: UTF8.self) == #"{"alarms":[]}"#)
    }

    @Test func theKernelReportsOurOwnCredentials() throws {
        var pair: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        defer {
            close(pair[0])
            close(pair[1])
        }
        let peer = try PeerCredentials.of(socket: pair[0])
        #expect(peer == PeerCredentials(pid: getpid(), uid: getuid(), gid: getgid()))
    }

    @Test func systemGroupsIncludeThePrimaryGroup() throws {
        #expect(PeerPolicy.systemGroups(uid: getuid(), primary: getgid()).contains(getgid()))
        #expect(try PeerPolicy.groupID(named: "root") == 0)
        #expect(throws: ControlError.self) { _ = try PeerPolicy.groupID(named: "no-such-group-here") }
    }

    static var canRunAsNobody: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
    }

    /// A real process of another user connects (the mode is opened to 0666 so the file does not
    /// stop it first) and is refused by the credential check.
    @Test(.enabled(if: canRunAsNobody)) func anotherUsersProcessIsRefused() async throws {
        let fixture = try await ControlFixture.start(mode: 0o666)
        chmod(fixture.dir.url.path, 0o755)
        let script = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(20)
            s.connect(sys.argv[1])
            s.sendall(b'{"command": "list"}\\n')
            sys.stdout.write(s.makefile().readline())
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
        process.arguments = ["-u", "nobody", "--", "/usr/bin/python3", "-c", script, fixture.server.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let reply = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: reply) as? [String: Any])
        #expect(fixture.error(json).code == "forbidden")
        await fixture.stop()
    }
}
