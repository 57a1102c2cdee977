/// Groups a device's tags into as few reads as the protocol allows.
public enum RequestPlanner {
    /// Per table, tags sorted by address join the current request while the unwanted registers
    /// (or bits) between them are at most `maxGap` and the request stays within the limit; a tag
    /// is never cut across two requests. Extending greedily is optimal for this: each request
    /// reaches as far as any plan could from the same first tag.
    ///
    /// `maxRegisters` and `maxBits` default to the protocol's limits (125 and 2000); lower them for
    /// devices that refuse long reads. Values above the protocol's limits are clamped to them.
    public static func plan(
        tags: [ModbusTag], maxGap: Int, maxRegisters: Int = 125, maxBits: Int = 2000
    ) -> RequestPlan {
        var requests: [ReadRequest] = []
        for table in ModbusTable.allCases {
            let mine = tags.filter { $0.table == table }
            guard !mine.isEmpty else { continue }
            let wanted = table.holdsBits ? maxBits : maxRegisters
            let limit = min(Swift.max(wanted, ModbusDataType.int64.registerCount), table.maxReadCount)
            requests += blocks(mine, table: table, maxGap: Swift.max(0, maxGap), limit: limit)
        }
        return RequestPlan(requests: requests)
    }

    private static func blocks(_ tags: [ModbusTag], table: ModbusTable, maxGap: Int, limit: Int) -> [ReadRequest] {
        // Longer tags first at the same address, so the request's end is known as early as possible.
        let sorted = tags.sorted { ($0.address, -$0.count, $0.name) < ($1.address, -$1.count, $1.name) }
        var requests: [ReadRequest] = []
        var current: [ModbusTag] = []
        var start = 0
        var end = 0  // the current request's span, end exclusive
        for tag in sorted {
            let newEnd = Swift.max(end, tag.address + tag.count)
            if !current.isEmpty, tag.address - end <= maxGap, newEnd - start <= limit {
                current.append(tag)
                end = newEnd
                continue
            }
            if !current.isEmpty { requests.append(ReadRequest(table: table, tags: current)) }
            current = [tag]
            start = tag.address
            end = tag.address + tag.count
        }
        if !current.isEmpty { requests.append(ReadRequest(table: table, tags: current)) }
        return requests
    }
}
