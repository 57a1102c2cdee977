/// The reads to send for one device, and what the device has refused. A value: the Modbus input
/// keeps it between polls and mutates it when the device answers exception 0x02 ("illegal data
/// address"), which many devices send for a whole read when any one register in it is unmapped.
///
/// Recovery is bisection: the refused request is split into two halves by tag (each trimmed to
/// its tags, so a gap that was read only to save a round trip is no longer read), and a request
/// that serves a single tag and is still refused marks that tag bad. A bad register among n
/// tags is isolated in about log2(n) refused reads, and every other tag keeps being read. Bad
/// tags stay out of this plan; making a fresh plan (after reconnecting or reloading the device
/// file) tries them again.
public struct RequestPlan: Hashable, Sendable {
    /// What `recordIllegalDataAddress` did.
    public enum Recovery: Hashable, Sendable {
        /// The request was replaced by these smaller ones (already in `requests`).
        case split([ReadRequest])
        /// The request served only this tag; it is now in `badTags` and no longer read.
        case isolated(ModbusTag)
    }

    /// In table order, then address order; splitting keeps a request's place.
    public private(set) var requests: [ReadRequest]
    /// Tags the device refused on their own, in the order they were found.
    public private(set) var badTags: [ModbusTag] = []

    init(requests: [ReadRequest]) { self.requests = requests }

    /// The address ranges known to be refused, per table.
    public var badRanges: [ModbusTable: [ClosedRange<Int>]] {
        Dictionary(grouping: badTags, by: \.table).mapValues { $0.map(\.addresses) }
    }

    /// The whole policy for an "illegal data address" reply to `request`: split it, or, when it
    /// serves one tag, mark that tag bad.
    public mutating func recordIllegalDataAddress(_ request: ReadRequest) -> Recovery {
        guard request.slots.count == 1, let only = request.slots.first?.tag else { return .split(split(request)) }
        markBad(only)
        return .isolated(only)
    }

    /// Replaces `request` by two requests, each with half of its tags (in address order) and each
    /// spanning only its own tags, and returns them. A single-tag request cannot be split: it is
    /// returned unchanged (call `markBad`). A request that is no longer in the plan returns [].
    @discardableResult
    public mutating func split(_ request: ReadRequest) -> [ReadRequest] {
        guard let index = requests.firstIndex(of: request) else { return [] }
        guard request.slots.count > 1 else { return [request] }
        let tags = request.tags
        let middle = tags.count / 2
        let halves = [
            ReadRequest(table: request.table, tags: Array(tags[..<middle])),
            ReadRequest(table: request.table, tags: Array(tags[middle...])),
        ]
        requests.replaceSubrange(index...index, with: halves)
        return halves
    }

    /// Stops reading `tag`: it leaves every request (a request left with no tags is dropped, the
    /// others shrink to their remaining tags) and is remembered in `badTags`.
    public mutating func markBad(_ tag: ModbusTag) {
        if !badTags.contains(tag) { badTags.append(tag) }
        requests = requests.compactMap { request in
            guard request.tags.contains(tag) else { return request }
            let rest = request.tags.filter { $0 != tag }
            return rest.isEmpty ? nil : ReadRequest(table: request.table, tags: rest)
        }
    }
}
