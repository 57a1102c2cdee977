import Testing

@testable import Aggregator

@Suite struct PasswordHasherTests {
    @Test func productionParametersMeetOWASPAndAreStoredWithTheHash() throws {
        #expect(PasswordHasher.standard.iterations >= 600_000)
        #expect(PasswordHasher.saltBytes >= 16)
        let hash = try PasswordHasher.standard.hash("correct horse battery staple")
        let parts = hash.split(separator: "$")
        #expect(parts.count == 4 && parts[0] == "pbkdf2-sha256" && parts[1] == "600000")
        #expect(PasswordHasher.standard.verify("correct horse battery staple", against: hash).matches)
        #expect(!PasswordHasher.standard.verify("correct horse battery stapler", against: hash).matches)
    }

    @Test func eachHashHasItsOwnSaltAndWeakerHashesAskToBeRaised() throws {
        let weak = PasswordHasher.testingOnly(iterations: 1_000)
        let first = try weak.hash("same password here"), second = try weak.hash("same password here")
        #expect(first != second)
        let stronger = PasswordHasher.testingOnly(iterations: 2_000)
        let verification = stronger.verify("same password here", against: first)
        #expect(verification.matches && verification.needsRehash)
        #expect(!weak.verify("same password here", against: "pbkdf2-sha256$x$y$z").matches)
    }
}
