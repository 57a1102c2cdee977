import CModbus

/// A failed libmodbus call: which function, its errno, and what that means for polling.
struct ModbusError: Error, Hashable, Sendable, CustomStringConvertible {
    struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case connectFailed, timeout, illegalAddress, illegalFunction, deviceException, transport, invalidRequest
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The endpoint could not be reached (refused, unreachable, serial port missing).
        static let connectFailed = Code(.connectFailed)
        /// No answer within the response timeout.
        static let timeout = Code(.timeout)
        /// Exception 02: the device has no such address; the planner splits the block.
        static let illegalAddress = Code(.illegalAddress)
        /// Exception 01: the device does not support this function.
        static let illegalFunction = Code(.illegalFunction)
        /// Another Modbus exception from the device (busy, failure…).
        static let deviceException = Code(.deviceException)
        /// The link broke mid-request (reset, CRC error, short frame).
        static let transport = Code(.transport)
        /// The request itself is out of range (count above the protocol limit).
        static let invalidRequest = Code(.invalidRequest)
        var description: String { base.rawValue }
    }

    var code: Code
    var function: String
    var errno: Int32

    /// The last error libmodbus left in errno, classified.
    static func last(_ function: String) -> ModbusError {
        let number = cmodbus_errno()
        return ModbusError(code: classify(number), function: function, errno: number)
    }

    static func classify(_ number: Int32) -> Code {
        if number == cmodbus_illegal_data_address() { return .illegalAddress }
        if number == cmodbus_illegal_function() { return .illegalFunction }
        if number > cmodbus_exception_base() { return .deviceException }
        switch number {
        case ETIMEDOUT: return .timeout
        case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, ENOENT, EACCES: return .connectFailed
        default: return .transport
        }
    }

    var description: String {
        "\(function) failed: \(String(cString: modbus_strerror(errno))) (\(code), errno \(errno))"
    }
}
