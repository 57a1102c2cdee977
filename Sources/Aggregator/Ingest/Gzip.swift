import CZlib

/// gzip (RFC 1952) through zlib: the one importer of CZlib. Inflating stops as soon as the output
/// passes its cap, so a small "zip bomb" costs at most `limit` bytes of memory, never its claim.
enum Gzip {
    struct Failure: Error, Sendable, CustomStringConvertible {
        enum Kind: Sendable { case malformed, tooLarge }
        let kind: Kind
        let message: String
        var description: String { message }
    }

    /// The inflated bytes of `input`, which must be one or more whole gzip members (concatenated
    /// members are one stream, as `gzip -c a b` writes them). Throws only `Failure`.
    static func inflate(_ input: some Collection<UInt8>, limit: Int) throws -> [UInt8] {
        let bytes = Array(input)
        guard !bytes.isEmpty else { throw Failure(kind: .malformed, message: "the gzip body is empty") }
        // zlib checks that the stream keeps its address between calls: keep it off the Swift stack.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        guard czlib_inflate_init_gzip(stream) == Z_OK else {
            throw Failure(kind: .malformed, message: "zlib could not start inflating")
        }
        defer { _ = inflateEnd(stream) }

        var output: [UInt8] = []
        output.reserveCapacity(min(limit, bytes.count * 8))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        return try bytes.withUnsafeBufferPointer { source -> [UInt8] in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.pointee.avail_in = UInt32(source.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { target in
                    stream.pointee.next_out = target.baseAddress
                    stream.pointee.avail_out = UInt32(target.count)
                    let status = CZlib.inflate(stream, Z_NO_FLUSH)
                    return (status, target.count - Int(stream.pointee.avail_out))
                }
                guard output.count + produced <= limit else {
                    throw Failure(kind: .tooLarge, message: "the inflated body is larger than \(limit) bytes")
                }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END:
                    guard stream.pointee.avail_in > 0 else { return output }
                    _ = inflateReset(stream)  // another member follows
                case Z_OK:
                    continue
                case Z_BUF_ERROR where produced == 0:
                    throw Failure(kind: .malformed, message: "the gzip body is truncated")
                case Z_BUF_ERROR:
                    continue
                default:
                    let reason = stream.pointee.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw Failure(kind: .malformed, message: "the body is not valid gzip: \(reason)")
                }
            }
        }
    }

    /// gzip-compresses `input` (tests and the benchmark client send compressed batches with it).
    static func deflate(_ input: [UInt8], level: Int32 = 6) -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        guard czlib_deflate_init_gzip(stream, level) == Z_OK else { return [] }
        defer { _ = deflateEnd(stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(stream, UInt(input.count))) + 64)
        let written = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.pointee.avail_in = UInt32(source.count)
                stream.pointee.next_out = target.baseAddress
                stream.pointee.avail_out = UInt32(target.count)
                _ = CZlib.deflate(stream, Z_FINISH)  // one call: the output holds deflateBound
                return target.count - Int(stream.pointee.avail_out)
            }
        }
        return Array(output[0..<written])
    }
}
