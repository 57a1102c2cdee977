import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Aggregator

extension IsolationWorld {
    /// One import per tenant (a reading of its `.co2` series at its first site), kept as `import`.
    static var importsSeed: Seed { { tenant, root, client in
        let reply = try await client.json(.post, "/api/v1/readings/imports", token: root,
                                          body: IsolationFixtures.importBody(tenant, site: tenant.siteIDs[0]))
        #expect(reply.status == .created, "\(reply.raw)")
        tenant.objects["import"] = [try #require(field(reply.body, "id") as? String, "\(reply.raw)")]
    } }
}
