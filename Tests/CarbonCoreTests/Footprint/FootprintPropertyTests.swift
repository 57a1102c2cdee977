@testable import CarbonCore
import Foundation
import PropertyBased
import Testing

@Suite struct FootprintPropertyTests {
    typealias M = FootprintTestModels

    /// Whatever the masses, prices and emissions, the allocated parts add back to the process
    /// total exactly and the shares to exactly 1.
    @Test func allocationSharesSumToTheProcessTotalExactly() async {
        await propertyCheck(input: Gen.int(in: 1...99_999), Gen.int(in: 1...99_999), Gen.int(in: 1...9_999),
                            Gen.int(in: 1...9_999), Gen.int(in: 0...999_999_999)) { a, b, priceA, priceB, emitted in
            for method in ["mass", "economic"] {
                let process: [String: Any] = [
                    "id": "joint", "stage": "production",
                    "product": ["product": "A", "amount": "\(a).7", "unit": "t", "price": ["value": "\(priceA)", "unit": "yuan/t"]],
                    "co_products": [
                        ["product": "B", "amount": "\(b)", "unit": "kg", "price": ["value": "\(priceB).3", "unit": "yuan/kg"]],
                        ["product": "C", "amount": "\(a + b)", "unit": "t", "price": ["value": "7", "unit": "yuan/t"]],
                    ],
                    "allocation": ["method": method],
                    "emissions": [M.direct(nil, "\(emitted).123", "kgCO2e"), M.direct("CH4", "0.\(a)", "kg")],
                ]
                let result = try M.calculate(M.system([process], fu: "A", "1", "t"))
                let report = try #require(result.allocations.first)
                var allocated = Decimal(0)
                var shares = Decimal(0)
                for share in report.shares {
                    allocated += share.allocatedEmissions
                    shares += share.share
                }
                #expect(allocated == report.processEmissions, "\(method)")
                #expect(shares == 1, "\(method)")
            }
        }
    }

    /// Demanding n functional units scales every stage and the total by n.
    @Test func scalingTheFunctionalUnitScalesTheTotal() async throws {
        let one = try M.calculate(try M.kettle())
        await propertyCheck(input: Gen.int(in: 1...100_000)) { n in
            let scaled = try M.calculate(try M.kettle(fuAmount: "\(n)"))
            #expect(scaled.total == one.total * Decimal(n))
            for stage in LifecycleStage.allCases {
                #expect(scaled.subtotal(stage).emissions == one.subtotal(stage).emissions * Decimal(n))
            }
            // A share is a quotient: equal up to the 38th digit, where Decimal rounds it.
            #expect(scaled.subtotal(.use).sharePercent?.rounded(places: 30) == one.subtotal(.use).sharePercent?.rounded(places: 30))
        }
    }

    /// A·x = b for a diagonally dominant system with a known solution; pivoting must pick the
    /// largest entry even when the diagonal is not it.
    @Test func solverRecoversAKnownSolution() async throws {
        await propertyCheck(input: Gen.int(in: -50...50).array(of: 16), Gen.int(in: -1000...1000).array(of: 4)) { entries, x in
            var a = (0..<4).map { row in (0..<4).map { column in Decimal(entries[row * 4 + column]) } }
            for row in 0..<4 { a[row][(row + 1) % 4] = 1000 + Decimal(row) }  // dominant off the diagonal
            let b = a.map { row in zip(row, x).reduce(Decimal(0)) { $0 + $1.0 * Decimal($1.1) } }
            let solved = try DecimalLinearSystem.solve(a, b, names: ["p", "q", "r", "s"])
            for (got, want) in zip(solved, x) {
                #expect((got - Decimal(want)).magnitude < Decimal(string: "1e-25")!)
            }
        }
    }
}
