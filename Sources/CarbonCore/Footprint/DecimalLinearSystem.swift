import Foundation

/// Solves the technology matrix of a product system, A·s = f, in Decimal: Gaussian elimination
/// with partial pivoting (the largest magnitude in the column becomes the pivot, which keeps the
/// multipliers at most 1 and the rounding at Decimal's 38th digit from growing).
enum DecimalLinearSystem {
    /// A pivot this small relative to the largest coefficient is a zero that rounding disguised:
    /// a truly singular system of decimal inputs leaves residues near 10^-38 × scale, far below this.
    static let relativeTolerance = Decimal(sign: .plus, exponent: -28, significand: 1)

    /// - Parameters:
    ///   - matrix: n × n, row i and column i both belong to `names[i]` (the product, and the process making it).
    ///   - rhs: the demand vector f.
    /// - Throws: `singularSystem` naming the products whose equations have no unique solution.
    static func solve(_ matrix: [[Decimal]], _ rhs: [Decimal], names: [String]) throws(CalculationError) -> [Decimal] {
        let n = rhs.count
        guard matrix.count == n, matrix.allSatisfy({ $0.count == n }), names.count == n else {
            throw CalculationError(.invalidInput, "the process network is not square")
        }
        var a = matrix
        var b = rhs
        var rowNames = names
        var scale = Decimal(0)
        for row in a { for value in row where value.magnitude > scale { scale = value.magnitude } }
        let tolerance = scale * relativeTolerance

        for column in 0..<n {
            var pivotRow = column
            for row in column..<n where a[row][column].magnitude > a[pivotRow][column].magnitude { pivotRow = row }
            guard a[pivotRow][column].magnitude > tolerance else {
                throw singular(column: column, names: names, rowNames: rowNames, reduced: a)
            }
            if pivotRow != column {
                a.swapAt(pivotRow, column)
                b.swapAt(pivotRow, column)
                rowNames.swapAt(pivotRow, column)
            }
            let pivot = a[column][column]
            for row in (column + 1)..<n where a[row][column] != 0 {
                let multiplier = a[row][column] / pivot
                a[row][column] = 0
                for k in (column + 1)..<n where a[column][k] != 0 {
                    a[row][k] -= multiplier * a[column][k]
                }
                b[row] -= multiplier * b[column]
            }
        }

        var x = Array(repeating: Decimal(0), count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = b[row]
            for k in (row + 1)..<n where a[row][k] != 0 { sum -= a[row][k] * x[k] }
            x[row] = sum / a[row][row]
        }
        return x
    }

    /// The products tied up in the dependency: the one whose process has no pivot, and every
    /// product whose (already eliminated) equation still involves that process.
    private static func singular(column: Int, names: [String], rowNames: [String], reduced: [[Decimal]])
        -> CalculationError
    {
        var involved = [names[column]]
        for row in 0..<reduced.count where row != column && reduced[row][column] != 0 {
            if !involved.contains(rowNames[row]) { involved.append(rowNames[row]) }
        }
        for row in column..<reduced.count where !involved.contains(rowNames[row]) {
            if reduced[row][column...].contains(where: { $0 != 0 }) { continue }
            involved.append(rowNames[row])
        }
        return CalculationError(
            .singularSystem,
            "the process network has no unique solution: products \(involved.map { "'\($0)'" }.joined(separator: ", ")) "
                + "are made and consumed in a loop that produces nothing net, or are not made at all",
            field: "processes")
    }
}
