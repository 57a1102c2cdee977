import CarbonCore
import Hummingbird

/// HTTP for agent batches: read the (possibly gzip) body, decode, call the service, reply.
struct IngestController {
    let service: IngestService

    func register(in routes: RouteRegistry) {
        let service = self.service
        routes.add(.post, "/api/v1/ingest/batches", access: .agent(.ingestWrite), tag: "ingest",
                   summary: "Deliver a batch of readings (exactly once by agent, store epoch and sequence)",
                   request: ReadingBatchSchema.schema, response: IngestReply.schema) { request, context in
            let batch = try IngestBody.decode(try await IngestBody.read(request))
            return JSONReply(try await service.ingest(batch, context: context))
        }
    }
}
