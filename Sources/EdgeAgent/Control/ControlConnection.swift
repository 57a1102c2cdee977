import Foundation
import Glibc

/// One client of the control socket, served on its own thread: read lines, answer each with one
/// line, until the client hangs up, goes silent for the idle timeout, sends a line that is too
/// long, or is refused. Uses the descriptor but does not close it (`ControlServer.release` does).
struct ControlConnection {
    let fd: Int32
    let handler: ControlHandler
    let maximumRequestBytes: Int

    @available(*, noasync, message: "blocks on the socket and the alarm store")
    func serve() {
        let peer: PeerCredentials
        do {
            peer = try PeerCredentials.of(socket: fd)
        } catch {
            _ = send(ControlReply.failure(ControlFailure(.unavailable, "\(error)")))
            return
        }
        // A refused peer gets its `forbidden` reply to its first request, then the door closes.
        var refused = false
        if case .refused = handler.policy.decide(peer) { refused = true }

        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while true {
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                guard line.count <= maximumRequestBytes else { return tooLarge() }
                guard let handled = answer(line, from: peer) else { continue }
                guard handled, !refused else { return }
            }
            guard buffer.count <= maximumRequestBytes else { return tooLarge() }
            let received = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if received > 0 {
                buffer += chunk[..<received]
            } else if received < 0 && errno == EINTR {
                continue
            } else {
                // End of input (a last line without a newline still counts), idle timeout, or reset.
                if received == 0 { _ = answer(buffer, from: peer) }
                return
            }
        }
    }

    /// Answers one line: nil for a blank line (ignored), false when the reply could not be sent.
    private func answer(_ line: [UInt8], from peer: PeerCredentials) -> Bool? {
        var line = line[...]
        while let last = line.last,
            last == UInt8(ascii: "\r") || last == UInt8(ascii: " ") || last == UInt8(ascii: "\t")
        {
            line = line.dropLast()
        }
        guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) else { return nil }
        return send(handler.reply(to: Data(line), from: peer))
    }

    private func tooLarge() {
        let failure = ControlFailure(.requestTooLarge, "a request line has at most \(maximumRequestBytes) bytes")
        _ = send(ControlReply.failure(failure))
    }

    private func send(_ reply: Data) -> Bool {
        UnixSocket.sendAll(fd, reply + Data("\n".utf8))
    }
}
