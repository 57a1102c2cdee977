import CarbonCore
import Foundation
import Testing

/// The organisation tree as paths: the subtree rule and the stored text form.
@Suite struct AccessOrganisationPathTests {
    typealias T = AccessTesting

    @Test func theTextFormRoundTripsAndSupportsPrefixQueries() throws {
        let text = "/\(T.groupID)/\(T.northID)/\(T.plantAID)/"
        #expect(T.plantA.text == text)
        #expect(try OrganisationPath(text: text) == T.plantA)
        #expect(T.plantA.text.hasPrefix(T.north.text) && !T.plantC.text.hasPrefix(T.north.text))
        #expect(try OrganisationPath(text: T.group.text) == T.group)
        let json = try JSONEncoder().encode([T.plantB])
        #expect(try JSONDecoder().decode([OrganisationPath].self, from: json) == [T.plantB])
    }

    @Test func idsAreStoredLowercaseSoTwoSpellingsAreOnePath() throws {
        let upper = try OrganisationPath(text: "/\(T.groupID.uppercased())/\(T.northID.uppercased())/")
        #expect(upper == T.north)
        #expect(upper.text == T.north.text)
    }

    @Test(arguments: ["", "/", "//", "\(T.groupID)/", "/\(T.groupID)", "/\(T.groupID)//\(T.northID)/",
                      "/not-a-uuid/", "/\(T.groupID)/\(T.groupID)/", " /\(T.groupID)/"])
    func malformedTextIsRefused(_ text: String) {
        let error = #expect(throws: AccessError.self) { try OrganisationPath(text: text) }
        #expect(error?.code == .invalidPath)
    }

    @Test func aPathContainsItselfAndItsDescendantsOnly() throws {
        #expect(T.group.contains(T.group) && T.group.contains(T.north) && T.group.contains(T.plantC))
        #expect(T.north.contains(T.plantA) && T.north.contains(T.plantB))
        #expect(!T.north.contains(T.group) && !T.north.contains(T.south) && !T.north.contains(T.plantC))
        #expect(!T.plantA.contains(T.plantB) && !T.plantA.contains(T.north))
        #expect(T.plantA.parent == T.north && T.north.parent == T.group && T.group.parent == nil)
        #expect(T.plantA.id == T.plantAID && T.plantA.depth == 2)
        #expect(try T.north.appending(T.plantBID) == T.plantB)
        #expect(throws: AccessError.self) { try OrganisationPath([]) }
    }
}
