/// The four Modbus data tables. Raw values are the spellings in device files.
public enum ModbusTable: String, CaseIterable, Codable, Hashable, Sendable {
    case coil
    case discreteInput = "discrete_input"
    case holdingRegister = "holding_register"
    case inputRegister = "input_register"

    /// Coils and discrete inputs hold bits; the other two hold 16-bit registers.
    public var holdsBits: Bool { self == .coil || self == .discreteInput }

    /// The most one read may ask for (Modbus Application Protocol v1.1b3, §6.1–6.4): 2000 bits for
    /// function codes 1 and 2, 125 registers for 3 and 4, so that a reply fits one 253-byte PDU.
    public var maxReadCount: Int { holdsBits ? 2000 : 125 }

    /// The read function code, for logs and for whoever maps a table to a libmodbus call
    /// (`modbus_read_bits`, `modbus_read_input_bits`, `modbus_read_registers`, `modbus_read_input_registers`).
    public var readFunctionCode: UInt8 {
        switch self {
        case .coil: 0x01
        case .discreteInput: 0x02
        case .holdingRegister: 0x03
        case .inputRegister: 0x04
        }
    }
}

/// How a tag's bits or registers become a number. Raw values are the spellings in device files.
public enum ModbusDataType: String, CaseIterable, Codable, Hashable, Sendable {
    case bool
    case int16, uint16, int32, uint32, int64, uint64
    case float32, float64
    case bcd16, bcd32
    case bitfield

    /// Registers the value spans (a `bool` spans one bit of a bit table).
    public var registerCount: Int {
        switch self {
        case .bool, .int16, .uint16, .bcd16, .bitfield: 1
        case .int32, .uint32, .float32, .bcd32: 2
        case .int64, .uint64, .float64: 4
        }
    }
}
