/// One tag as written in a device file (TOML `[[tags]]`, or JSON). Everything stays as written —
/// table and type as strings, numbers as decimal strings — so that `RegisterMap.resolve()` can
/// check it all in one place and name the tag and field in every message, whichever decoder
/// read the file.
///
/// ```toml
/// [[tags]]
/// name = "boiler1.gas_flow"
/// table = "holding_register"      # coil, discrete_input, holding_register, input_register
/// address = 101                   # in the device's address_base
/// data_type = "float32"           # bool (bit tables, the default there), int16 … float64, bcd16, bcd32, bitfield
/// order = "CDAB"                  # default ABCD / ABCDEFGH; 16-bit types take AB or BA
/// scale = "0.1"                   # value = raw × scale + offset; decimal strings, default "1" and "0"
/// offset = "0"
/// min = "0"                       # optional valid range of the scaled value
/// max = "5000"
/// unit = "Nm3/h"
/// description = "natural gas to boiler 1"
///
/// [[tags]]
/// name = "boiler1.burner_on"
/// table = "holding_register"
/// address = 120
/// data_type = "bitfield"
/// bit = 3                         # lowest bit, 0 = least significant
/// bit_length = 1                  # default 1
/// unit = ""
/// ```
public struct TagDefinition: Codable, Hashable, Sendable {
    public var name: String
    public var table: String
    public var address: Int
    /// Required for register tables; defaults to `bool` for coils and discrete inputs.
    public var dataType: String?
    public var order: String?
    public var bit: Int?
    public var bitLength: Int?
    public var scale: String?
    public var offset: String?
    public var min: String?
    public var max: String?
    /// Required; `""` for a dimensionless status.
    public var unit: String?
    public var description: String?

    enum CodingKeys: String, CodingKey {
        case name, table, address
        case dataType = "data_type"
        case order, bit
        case bitLength = "bit_length"
        case scale, offset, min, max, unit, description
    }

    public init(
        name: String, table: String, address: Int, dataType: String? = nil, order: String? = nil,
        bit: Int? = nil, bitLength: Int? = nil, scale: String? = nil, offset: String? = nil,
        min: String? = nil, max: String? = nil, unit: String? = "", description: String? = nil
    ) {
        self.name = name
        self.table = table
        self.address = address
        self.dataType = dataType
        self.order = order
        self.bit = bit
        self.bitLength = bitLength
        self.scale = scale
        self.offset = offset
        self.min = min
        self.max = max
        self.unit = unit
        self.description = description
    }
}
