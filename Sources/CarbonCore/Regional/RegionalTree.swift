import Foundation

/// The region tree checked once before any arithmetic: ids unique and non-empty, every parent
/// an existing id, no parent chain that loops. A forest (several roots) is allowed, so a model
/// may hold two parks side by side.
struct RegionalTree {
    let nodes: [RegionalModel.Node]
    let indexByID: [String: Int]
    /// Children of each node, by index, in input order.
    let children: [[Int]]
    let parent: [Int?]
    /// Parents before children, siblings in input order: the order results are listed in.
    let preOrder: [Int]
    let depth: [Int]

    init(_ nodes: [RegionalModel.Node]) throws(CalculationError) {
        guard !nodes.isEmpty else { throw CalculationError(.missingInput, "the model has no nodes", field: "nodes") }
        var indexByID: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            guard !node.id.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw CalculationError(.invalidInput, "a node id must not be empty", field: "nodes[\(index)].id")
            }
            if let first = indexByID[node.id] {
                throw CalculationError(
                    .invalidInput, "duplicate id '\(node.id)' (already used by nodes[\(first)])",
                    field: "nodes[\(index)].id")
            }
            indexByID[node.id] = index
        }
        var parent = [Int?](repeating: nil, count: nodes.count)
        var children = [[Int]](repeating: [], count: nodes.count)
        for (index, node) in nodes.enumerated() {
            guard let parentID = node.parent else { continue }
            guard let parentIndex = indexByID[parentID] else {
                throw CalculationError(
                    .invalidInput, "parent '\(parentID)' is not the id of any node",
                    field: "nodes[\(index)].parent")
            }
            parent[index] = parentIndex
            children[parentIndex].append(index)
        }
        try Self.refuseCycles(nodes, parent: parent)
        self.nodes = nodes
        self.indexByID = indexByID
        self.children = children
        self.parent = parent

        // Iterative depth-first walk: no recursion depth limit on deep trees.
        var order: [Int] = []
        var depth = [Int](repeating: 0, count: nodes.count)
        var stack = nodes.indices.filter { parent[$0] == nil }.reversed().map { $0 }
        while let index = stack.popLast() {
            order.append(index)
            for child in children[index].reversed() {
                depth[child] = depth[index] + 1
                stack.append(child)
            }
        }
        preOrder = order
        self.depth = depth
    }

    /// Walks up from every node; a chain longer than the node count, or one that revisits a
    /// node, loops. Nodes already known to reach a root are not walked again.
    private static func refuseCycles(_ nodes: [RegionalModel.Node], parent: [Int?]) throws(CalculationError) {
        var reachesRoot = [Bool](repeating: false, count: nodes.count)
        for start in nodes.indices where !reachesRoot[start] {
            var chain: [Int] = []
            var seen: Set<Int> = []
            var current: Int? = start
            while let index = current, !reachesRoot[index] {
                if seen.contains(index) {
                    let loop = chain.drop(while: { $0 != index }).map { nodes[$0].id } + [nodes[index].id]
                    throw CalculationError(
                        .invalidInput, "the parent chain loops: \(loop.joined(separator: " → "))",
                        field: "nodes[\(index)].parent")
                }
                seen.insert(index)
                chain.append(index)
                current = parent[index]
            }
            for index in chain { reachesRoot[index] = true }
        }
    }

    /// `nodes[3].years.2022`: where a node-year's inputs are, for error fields.
    func field(_ index: Int, year: Int) -> String { "nodes[\(index)].years.\(year)" }
}
