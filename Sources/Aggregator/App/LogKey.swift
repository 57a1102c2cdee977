/// Log metadata keys of the aggregator, in one place so dashboards can rely on them.
enum LogKey {
    static let requestID = "hb.request.id"
    static let error = "error"
    static let principal = "principal.id"
    static let organisation = "organisation.id"
    static let agent = "agent.id"
    static let database = "database"
    static let listen = "listen"
}
