import Foundation
import Testing

@testable import EdgeAgent

/// A QoS 1 message redelivered after a crash between its commit and its PUBACK is recognised by
/// the store (same packet id, same digest, among the latest messages) and not stored again.
@Suite struct MessageIdentityTests {
    typealias F = BufferFixtures

    func identity(_ mid: Int32, _ payload: String) -> BufferDatabase.MessageIdentity {
        MQTTInput.Pipeline.identity(of: .init(topic: "plant/boiler", payload: Array(payload.utf8), qos: 1, retain: false, mid: mid))
    }

    @Test func aRedeliveryIsRecognisedAndNothingIsWritten() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let database = try BufferDatabase(path: dir.path())
        defer { database.close() }
        let first = try database.append([F.reading(1)], message: identity(7, #"{"t": 1}"#))
        #expect(first.sequences == 1...1 && !first.duplicate)
        let again = try database.append([F.reading(1)], message: identity(7, #"{"t": 1}"#))
        #expect(again.duplicate && again.sequences == nil)
        #expect(try database.count() == 1)
        // Another payload under the same packet id, or the same payload under another id, is a new message.
        #expect(try !database.append([F.reading(2)], message: identity(7, #"{"t": 2}"#)).duplicate)
        #expect(try !database.append([F.reading(3)], message: identity(8, #"{"t": 2}"#)).duplicate)
        #expect(try database.count() == 3)
    }

    @Test func anIdenticalPayloadUnderAReusedPacketIdLongAfterIsStored() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let database = try BufferDatabase(path: dir.path())
        defer { database.close() }
        _ = try database.append([F.reading(1)], message: identity(1, "same"))
        // More than the redelivery window of other messages later, the broker reuses packet id 1.
        for mid in 2...Int32(BufferDatabase.redeliveryWindow + 1) {
            _ = try database.append([F.reading(Int(mid))], message: identity(mid, "other \(mid)"))
        }
        let reused = try database.append([F.reading(1)], message: identity(1, "same"))
        #expect(!reused.duplicate)
    }

    /// The network thread's call, from a synchronous context as there.
    static func appendBlocking(_ store: ReadingStore, _ message: BufferDatabase.MessageIdentity) throws -> Bool {
        try store.appendMessageSync([F.reading(1)], identity: message)
    }

    @Test func theIdentityOutlivesARestart() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await ReadingStore.open(path: dir.path())
        let message = identity(42, "payload")
        #expect(try Self.appendBlocking(store, message))
        await store.close()
        let reopened = try await ReadingStore.open(path: dir.path())
        #expect(try Self.appendBlocking(reopened, message) == false)
        #expect(try await reopened.unsentCount() == 1)
        await reopened.close()
    }
}
