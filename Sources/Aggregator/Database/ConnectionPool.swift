import NIOPosix

/// A connection checked out of a pool. `@unchecked Sendable` is sound because the pool lends each
/// box to exactly one task at a time, and that task uses it on one thread-pool thread at a time.
final class PooledConnection<Connection>: @unchecked Sendable {
    let connection: Connection
    init(_ connection: Connection) { self.connection = connection }
}

/// A bounded pool of blocking connections (SQLite handles or libpq connections). Waiters queue in
/// order; opening a connection happens outside the actor (on the thread pool) because it blocks.
actor ConnectionPool<Connection> {
    private var idle: [PooledConnection<Connection>] = []
    private var open = 0
    private var waiters: [CheckedContinuation<PooledConnection<Connection>?, Never>] = []
    private let maximum: Int
    private let threadPool: NIOThreadPool
    private let factory: @Sendable () throws -> Connection
    private var closed = false

    init(maximum: Int, threadPool: NIOThreadPool, factory: @escaping @Sendable () throws -> Connection) {
        self.maximum = max(1, maximum)
        self.threadPool = threadPool
        self.factory = factory
    }

    /// Runs `body` with a connection on the thread pool. A connection whose body threw an error
    /// that `isBroken` recognises is discarded instead of returned to the pool.
    nonisolated func withConnection<T: Sendable>(
        isBroken: @escaping @Sendable (any Error) -> Bool = { _ in false },
        _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        let lease = try await acquire()
        do {
            let result = try await threadPool.runIfActive { try body(lease.connection) }
            await release(lease, broken: false)
            return result
        } catch {
            await release(lease, broken: isBroken(error))
            throw error
        }
    }

    private func acquire() async throws -> PooledConnection<Connection> {
        guard !closed else { throw DatabaseError(.unavailable, "the database is closed") }
        if let connection = idle.popLast() { return connection }
        if open < maximum {
            open += 1
            do {
                let factory = self.factory
                return try await threadPool.runIfActive { PooledConnection(try factory()) }
            } catch {
                open -= 1
                throw error
            }
        }
        if let connection = await withCheckedContinuation({ waiters.append($0) }) { return connection }
        return try await acquire()  // a connection was discarded: try to open a new one
    }

    private func release(_ connection: PooledConnection<Connection>, broken: Bool) {
        if broken {
            open -= 1
            if !waiters.isEmpty { waiters.removeFirst().resume(returning: nil) }
            return
        }
        if !waiters.isEmpty {
            waiters.removeFirst().resume(returning: connection)
        } else {
            idle.append(connection)
        }
    }

    /// Drops idle connections (closing them through their deinit) and refuses new leases.
    func close() {
        closed = true
        idle.removeAll()
    }
}
