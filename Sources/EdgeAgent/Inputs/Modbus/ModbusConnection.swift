import CModbus
import Dispatch
import Foundation

/// The one type that touches a libmodbus context. Every libmodbus call blocks up to the response
/// timeout, so each runs on this connection's own serial dispatch queue, never on Swift's
/// cooperative pool (two threads here): a dead device stalls only its own endpoint. One TCP
/// connection serves every unit id behind a gateway; one connection is one serial bus for RTU.
///
/// `@unchecked Sendable` is sound because `context` and `connected` are only read or written on
/// `queue`, which serialises every call (libmodbus contexts are not thread-safe).
final class ModbusConnection: @unchecked Sendable {
    enum Endpoint: Hashable, Sendable, CustomStringConvertible {
        case tcp(host: String, port: Int32)
        case rtu(device: String, baud: Int32, parity: Parity, dataBits: Int32, stopBits: Int32, rs485: Bool)

        var description: String {
            switch self {
            case .tcp(let host, let port): "tcp://\(host):\(port)"
            case .rtu(let device, let baud, let parity, let dataBits, let stopBits, _):
                "rtu://\(device)?\(baud)-\(dataBits)\(parity.rawValue)\(stopBits)"
            }
        }
    }

    enum Parity: String, Hashable, Sendable { case none = "N", even = "E", odd = "O" }

    /// Modbus read functions by table.
    enum Table: String, Hashable, Sendable { case coils, discreteInputs, holdingRegisters, inputRegisters }

    enum Values: Hashable, Sendable {
        case registers([UInt16])
        case bits([Bool])
    }

    let endpoint: Endpoint
    private let queue: DispatchQueue
    private let context: OpaquePointer
    private var connected = false

    init(endpoint: Endpoint, responseTimeout: Duration = .seconds(1)) throws(ModbusError) {
        self.endpoint = endpoint
        let created: OpaquePointer?
        switch endpoint {
        case .tcp(let host, let port):
            created = modbus_new_tcp(host, port)
        case .rtu(let device, let baud, let parity, let dataBits, let stopBits, _):
            created = modbus_new_rtu(device, baud, CChar(parity.rawValue.utf8.first!), dataBits, stopBits)
        }
        guard let created else { throw ModbusError.last("modbus_new") }
        let (seconds, attoseconds) = responseTimeout.components
        let microseconds = UInt32(attoseconds / 1_000_000_000_000)
        modbus_set_response_timeout(created, UInt32(seconds), microseconds)
        // Never MODBUS_ERROR_RECOVERY_LINK: it can loop forever inside one call. We reconnect ourselves.
        modbus_set_error_recovery(created, MODBUS_ERROR_RECOVERY_NONE)
        context = created
        queue = DispatchQueue(label: "modbus \(endpoint)")
    }

    deinit {
        // No call can be running: every call holds a strong reference until it returns.
        modbus_close(context)
        modbus_free(context)
    }

    /// Reads `count` registers or bits of `table` from `unit`, starting at the 0-based `address`.
    func read(_ table: Table, unit: UInt8, address: Int, count: Int) async throws(ModbusError) -> Values {
        let result: Result<Values, ModbusError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(ModbusError) -> Values in
                    try self.readOnQueue(table, unit: unit, address: address, count: count)
                })
            }
        }
        return try result.get()
    }

    /// Drops the link; the next read reconnects.
    func disconnect() async {
        await withCheckedContinuation { continuation in
            queue.async {
                if self.connected { modbus_close(self.context) }
                self.connected = false
                continuation.resume()
            }
        }
    }

    private func readOnQueue(_ table: Table, unit: UInt8, address: Int, count: Int) throws(ModbusError) -> Values {
        let limit = table == .coils || table == .discreteInputs ? 2000 : 125
        guard count > 0, count <= limit, address >= 0, address + count <= 65536 else {
            throw ModbusError(code: .invalidRequest, function: "read \(table)", errno: EINVAL)
        }
        if !connected {
            if case .rtu(_, _, _, _, _, true) = endpoint {
                _ = modbus_rtu_set_serial_mode(context, Int32(MODBUS_RTU_RS485))
            }
            guard modbus_connect(context) == 0 else { throw ModbusError.last("modbus_connect") }
            connected = true
        }
        guard modbus_set_slave(context, Int32(unit)) == 0 else { throw ModbusError.last("modbus_set_slave") }
        // RTU: bytes already waiting cannot answer the request about to go out (a late answer to one
        // that timed out, or to the request of an agent killed before it read the answer: seen in
        // Tests/EndToEnd/faults.py, every later reading one poll cycle stale); drop them first.
        if case .rtu = endpoint { _ = modbus_flush(context) }
        let got: Int32
        var values: Values
        switch table {
        case .holdingRegisters, .inputRegisters:
            var words = [UInt16](repeating: 0, count: count)
            got = table == .holdingRegisters
                ? modbus_read_registers(context, Int32(address), Int32(count), &words)
                : modbus_read_input_registers(context, Int32(address), Int32(count), &words)
            values = .registers(words)
        case .coils, .discreteInputs:
            var bytes = [UInt8](repeating: 0, count: count)
            got = table == .coils
                ? modbus_read_bits(context, Int32(address), Int32(count), &bytes)
                : modbus_read_input_bits(context, Int32(address), Int32(count), &bytes)
            values = .bits(bytes.map { $0 != 0 })
        }
        guard got == Int32(count) else {
            let error = ModbusError.last("modbus_read_\(table)")
            // A device exception leaves the link healthy; anything else means reconnect next time.
            if error.code != .illegalAddress && error.code != .illegalFunction && error.code != .deviceException {
                modbus_close(context)
                connected = false
            }
            throw error
        }
        return values
    }
}
