#if DEBUG
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
#endif

/// A test-only crash hook: `FaultPoint.hit("agent.mqtt.after-commit-before-ack")` at a place where
/// a crash matters. In a debug build, when the environment variable `CARBON_FAULT_POINT` names that
/// point (`name` or `name:nth`, nth counted from 1, default 1) the process writes one line to
/// stderr and kills itself with SIGKILL at its nth passage: no cleanup, no flush, no atexit, as a
/// power cut or the OOM killer would. Tests/EndToEnd/faults.py drives it.
///
/// Release builds carry no trace of it: the whole body (and the environment lookup) is inside
/// `#if DEBUG`, so `hit` is an empty function the optimiser removes at every call site.
///
/// The points (each one line at its call site):
///   agent.modbus.after-receive-before-commit   a poll cycle's readings read, not yet handed to the group commit
///   agent.mqtt.after-receive-before-commit     a QoS 1 message mapped in the callback, not yet committed
///   agent.mqtt.after-commit-before-ack         committed, the callback not returned (so no PUBACK yet)
///   agent.sync.after-upstream-commit-before-reply-recorded   the aggregator replied; the cursor not yet moved
///   agent.buffer.mid-rollup                    inside the quota roll-up transaction, roll-ups written, raw rows not yet deleted
///   aggregator.ingest.after-commit-before-reply  the batch's transaction committed, the reply not yet sent
public enum FaultPoint {
    public static let environmentVariable = "CARBON_FAULT_POINT"

    /// Parses `name` or `name:nth`; nil when malformed.
    public static func parse(_ text: String) -> (name: String, nth: Int)? {
        guard !text.isEmpty else { return nil }
        if let colon = text.lastIndex(of: ":"), let nth = Int(text[text.index(after: colon)...]) {
            let name = String(text[..<colon])
            return name.isEmpty || nth < 1 ? nil : (name, nth)
        }
        return (text, 1)
    }

    @inline(__always)
    public static func hit(_ name: StaticString) {
        #if DEBUG
        guard let armed = Armed.shared, armed.name == "\(name)" else { return }
        let passage = armed.passages.add(1, ordering: .sequentiallyConsistent).newValue
        guard passage == armed.nth else { return }
        let line = "FAULT POINT \(name) (passage \(passage)): SIGKILL\n"
        _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
        kill(getpid(), SIGKILL)
        #endif
    }

    #if DEBUG
    private final class Armed: Sendable {
        let name: String
        let nth: Int
        let passages = Atomic<Int>(0)

        init(name: String, nth: Int) {
            self.name = name
            self.nth = nth
        }

        static let shared: Armed? = {
            guard let raw = getenv(FaultPoint.environmentVariable), let parsed = FaultPoint.parse(String(cString: raw))
            else { return nil }
            return Armed(name: parsed.name, nth: parsed.nth)
        }()
    }
    #endif
}
