import Foundation

/// A file of zeros next to the store (`buffer.reserve` beside `buffer.sqlite`), kept so a full
/// disk can be survived: in WAL mode SQLite needs free space even to DELETE and COMMIT
/// (ENVIRONMENT.md, "Disk full"), so when an append fails with SQLITE_FULL the store deletes this
/// file, runs the quota policy in the space it gave back, and then tries to create it again.
/// The bytes are written, not just `ftruncate`d: a sparse file would reserve nothing.
struct DiskReserve: Sendable, Hashable {
    static let defaultBytes: Int64 = 8 * 1024 * 1024

    let path: String
    let bytes: Int64

    /// `buffer.sqlite` → `buffer.reserve` in the same folder.
    init(storePath: String, bytes: Int64) {
        let url = URL(fileURLWithPath: storePath)
        path = url.deletingPathExtension().appendingPathExtension("reserve").path
        self.bytes = bytes
    }

    var isInPlace: Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = attributes[.size] as? NSNumber
        else { return false }
        return size.int64Value >= bytes
    }

    /// Creates the file unless it is already whole; false (and no partial file left) when the
    /// disk has not got the room: the store works without it, only less safely.
    @discardableResult
    func create() -> Bool {
        guard bytes > 0 else { return true }
        if isInPlace { return true }
        let manager = FileManager.default
        guard manager.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path)
        else {
            try? manager.removeItem(atPath: path)
            return false
        }
        defer { try? handle.close() }
        do {
            let chunk = Data(count: 1024 * 1024)
            var written: Int64 = 0
            while written < bytes {
                let piece = Int(min(Int64(chunk.count), bytes - written))
                try handle.write(contentsOf: piece == chunk.count ? chunk : chunk.prefix(piece))
                written += Int64(piece)
            }
            // Without fsync, a full disk might only show when the page cache is flushed.
            try handle.synchronize()
            return true
        } catch {
            try? manager.removeItem(atPath: path)
            return false
        }
    }

    /// Deletes the file, giving its space back to the file system; true when there was one.
    @discardableResult
    func release() -> Bool {
        guard FileManager.default.fileExists(atPath: path) else { return false }
        return (try? FileManager.default.removeItem(atPath: path)) != nil
    }
}
