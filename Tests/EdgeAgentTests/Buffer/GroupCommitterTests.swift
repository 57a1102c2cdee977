import Foundation
import Synchronization
import Testing

@testable import EdgeAgent

/// Group commit: one transaction for many callers, and nobody hears "stored" before it is.
@Suite struct GroupCommitterTests {
    typealias F = BufferFixtures

    /// What happened, in order: commits as the committer's observer saw them, resumes as callers saw them.
    final class EventLog: Sendable {
        enum Event: Sendable, Hashable {
            case committed(ClosedRange<Int64>)
            case resumed(ClosedRange<Int64>)
        }
        private let events = Mutex<[Event]>([])
        func record(_ event: Event) { events.withLock { $0.append(event) } }
        var all: [Event] { events.withLock { $0 } }
        var commits: [ClosedRange<Int64>] { all.compactMap { if case .committed(let r) = $0 { r } else { nil } } }
        var resumes: Int { all.count { if case .resumed = $0 { true } else { false } } }
    }

    func makeCommitter(
        _ store: ReadingStore, interval: Duration, maxPending: Int, log: EventLog
    ) -> GroupCommitter {
        GroupCommitter(store: store, configuration: .init(interval: interval, maxPending: maxPending)) { _, result in
            if case .success(let range?) = result { log.record(.committed(range)) }
        }
    }

    @Test func everyCallerResumesAfterTheCommitHoldingItsReadingsAndFindsThemOnDisk() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await ReadingStore.open(path: dir.path())
        // A second, independent connection: what it reads is in the file, not in the writer's memory.
        let witness = try await ReadingStore.open(path: dir.path())
        let log = EventLog()
        let committer = makeCommitter(store, interval: .milliseconds(20), maxPending: 40, log: log)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<24 {
                group.addTask {
                    for call in 0..<5 {
                        let base = task * 1_000 + call * 10
                        let readings = F.readings(base..<(base + 1 + (task + call) % 7), tag: "poller-\(task)")
                        let range = try #require(try await committer.append(readings))
                        log.record(.resumed(range))
                        let onDisk = try await witness.peek(after: range.lowerBound - 1, limit: readings.count)
                        #expect(onDisk.map(\.reading) == readings)
                    }
                }
            }
            try await group.waitForAll()
        }
        // Each resume comes after a commit whose range contains it.
        var committed: [ClosedRange<Int64>] = []
        for event in log.all {
            switch event {
            case .committed(let range): committed.append(range)
            case .resumed(let range):
                #expect(committed.contains { $0.contains(range.lowerBound) && $0.contains(range.upperBound) })
            }
        }
        #expect(log.resumes == 120)
        #expect(committed.count < 120)  // batched: fewer transactions than callers
        #expect(try await store.count() == Int(committed.last!.upperBound))
    }

    @Test func nobodyResumesUntilTheBatchIsFullThenAllDoInOneCommit() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await ReadingStore.open(path: dir.path())
        let log = EventLog()
        // An hour's interval: only a full batch (10 readings) can trigger the commit.
        let committer = makeCommitter(store, interval: .seconds(3_600), maxPending: 10, log: log)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in 0..<9 {
                group.addTask { log.record(.resumed(try #require(try await committer.append([F.reading(id)])))) }
            }
            try await F.waitUntil { committer.pendingCount == 9 }
            #expect(log.resumes == 0)
            #expect(try await store.count() == 0)
            group.addTask { log.record(.resumed(try #require(try await committer.append([F.reading(9)])))) }
            try await group.waitForAll()
        }
        #expect(log.commits == [1...10])
        #expect(log.all.first == .committed(1...10))
        #expect(log.resumes == 10)
        #expect(try await store.count() == 10)
    }

    @Test func theIntervalCommitsALoneReading() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await ReadingStore.open(path: dir.path())
        let committer = GroupCommitter(
            store: store, configuration: .init(interval: .milliseconds(5), maxPending: 1_000))
        #expect(try await committer.append([F.reading(1)]) == 1...1)
        #expect(try await committer.append([F.reading(2), F.reading(3)]) == 2...3)
        #expect(try await committer.append([]) == nil)
        #expect(try await store.count() == 3)
    }

    @Test func flushCommitsWhatIsWaitingInOneTransaction() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await ReadingStore.open(path: dir.path())
        let log = EventLog()
        let committer = makeCommitter(store, interval: .seconds(3_600), maxPending: 1_000, log: log)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in 0..<5 { group.addTask { _ = try await committer.append([F.reading(id)]) } }
            try await F.waitUntil { committer.pendingCount == 5 }
            await committer.flush()
            try await group.waitForAll()
        }
        #expect(log.commits == [1...5])
        await committer.flush()  // nothing waiting: no empty transaction
        #expect(log.commits == [1...5])
    }

    @Test func aBadReadingFailsOnlyItsCallerAndAFailedCommitFailsTheWholeBatch() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await ReadingStore.open(path: dir.path())
        let committer = GroupCommitter(
            store: store, configuration: .init(interval: .milliseconds(5), maxPending: 1_000))
        var bad = F.reading(1)
        bad.value = .nan
        let refused = await #expect(throws: StoreError.self) { try await committer.append([F.reading(0), bad]) }
        #expect(refused?.code == .invalidArgument)
        #expect(try await committer.append([F.reading(2)]) == 1...1)

        await store.close()
        await withTaskGroup(of: StoreError.Code?.self) { group in
            for id in 0..<3 {
                group.addTask {
                    do {
                        _ = try await committer.append([F.reading(id)])
                        return nil
                    } catch let error as StoreError { return error.code } catch { return nil }
                }
            }
            for await code in group { #expect(code == .closed) }
        }
    }
}
