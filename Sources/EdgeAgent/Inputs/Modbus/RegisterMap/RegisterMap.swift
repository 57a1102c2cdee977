/// Modbus register maps: what a device's tags are, how to read them in few requests, and how to
/// turn the registers that come back into exact `Decimal` values. Pure code: no libmodbus here.
/// The connection that owns the libmodbus handle executes the `ReadRequest`s and hands the
/// registers (`[UInt16]`, as `modbus_read_registers` fills them) or bits (`[Bool]`) back.
///
/// Public API (what the Modbus input calls):
///
/// ```swift
/// // Device file → validated tags (throws RegisterMapError naming `tags[i].field`).
/// let map = try TOMLDecoder().decode(RegisterMap.self, from: text)     // or JSONDecoder: same keys
/// let tags: [ModbusTag] = try map.resolve()
///
/// // Planning: few requests, within 125 registers / 2000 bits, tags never split across requests.
/// var plan: RequestPlan = RequestPlanner.plan(tags: tags, maxGap: map.maxGap ?? 0)
/// //   or: var plan = try map.plan()
/// for request in plan.requests {                     // ReadRequest: table, start, count, slots
///     // registers = modbus_read_registers(ctx, request.start, request.count)   (the connection's job)
///     let results: [ReadRequest.Outcome] = request.decode(registers: registers)   // or decode(bits:)
///     // on exception 0x02 "illegal data address" for this request:
///     //   plan.recordIllegalDataAddress(request)   → .split([ReadRequest]) | .isolated(ModbusTag)
///     //   (or by hand: plan.split(request), plan.markBad(tag))
/// }
///
/// // One tag at a time (tests, tools):
/// let reading: TagReading = try RegisterDecoder.decode(tag, registers: [0x42F6, 0xE979])
/// ```
///
/// Addresses. `address_base` is required per device because documentation differs: base 0 means
/// the file holds protocol addresses (what goes on the wire); base 1 means the file counts from 1
/// and every address is lowered by one. Five- and six-digit "register numbers" such as 40001 or
/// 300001 are NOT interpreted: 40001 with base 1 is protocol address 40000 of whatever table
/// the tag names, never holding register 0. Guessing would silently read the wrong register for the
/// devices that really do have registers above 40000; write the table and the plain address.
///
/// Files: `RegisterMap` and `TagDefinition` (the file shape), `ModbusTag` (validated),
/// `ByteOrder`, `RegisterDecoder`, `RequestPlanner`, `RequestPlan`, `ReadRequest`, `RegisterMapError`.
public struct RegisterMap: Codable, Hashable, Sendable {
    /// 0 or 1: how the file counts addresses (see the file header). Required: no default, because
    /// a wrong default is the classic off-by-one that reads plausible but wrong registers.
    public var addressBase: Int?
    /// Largest run of unwanted registers (or bits) a request may read to join two tags into one
    /// request. Default 0: only touching tags merge, because some devices answer "illegal data
    /// address" for unmapped registers in between (the plan recovers from that, at a cost).
    public var maxGap: Int?
    public var tags: [TagDefinition]

    enum CodingKeys: String, CodingKey {
        case addressBase = "address_base"
        case maxGap = "max_gap"
        case tags
    }

    public init(addressBase: Int?, maxGap: Int? = nil, tags: [TagDefinition]) {
        self.addressBase = addressBase
        self.maxGap = maxGap
        self.tags = tags
    }

    /// Checks every setting and tag, and returns the tags with 0-based protocol addresses.
    public func resolve() throws(RegisterMapError) -> [ModbusTag] {
        guard let base = addressBase else {
            throw RegisterMapError(
                .invalidMap, "is required: 0 if the device's register list starts at 0, 1 if it starts at 1",
                field: "address_base")
        }
        guard base == 0 || base == 1 else {
            throw RegisterMapError(.invalidMap, "\(base) is neither 0 nor 1", field: "address_base")
        }
        if let maxGap, maxGap < 0 {
            throw RegisterMapError(.invalidMap, "\(maxGap) is negative", field: "max_gap")
        }
        var resolved: [ModbusTag] = []
        var firstIndex: [String: Int] = [:]
        for (index, definition) in tags.enumerated() {
            let tag = try definition.resolve(addressBase: base, field: "tags[\(index)]")
            if let earlier = firstIndex[tag.name] {
                throw RegisterMapError(
                    .invalidTag, "'\(tag.name)' is already the name of tags[\(earlier)]", field: "tags[\(index)].name")
            }
            firstIndex[tag.name] = index
            resolved.append(tag)
        }
        return resolved
    }

    /// `resolve()`, then `RequestPlanner.plan` with this map's `max_gap`.
    public func plan() throws(RegisterMapError) -> RequestPlan {
        RequestPlanner.plan(tags: try resolve(), maxGap: maxGap ?? 0)
    }
}
