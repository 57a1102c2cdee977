import ArgumentParser
import Foundation

/// `carbonctl admin memberships bind|unbind`: give or take away roles at organisations, from a
/// spreadsheet's CSV (header `username,organisation_id,role`) or for one user. The server does all
/// or nothing: one bad line and nothing changes, and each bad line is reported.
struct AdminMembershipsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memberships", abstract: "Bind and unbind roles at organisations, one at a time or from a CSV file.",
        subcommands: [Bind.self, Unbind.self])

    struct Bind: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give roles at organisations (all or nothing).", discussion: AdminMembershipsCommand.discussion)
        @OptionGroup var items: Items
        @OptionGroup var connection: AdminConnection
        func run() throws { try reportingFailures { try AdminMembershipsCommand.apply("bind", items, connection) } }
    }

    struct Unbind: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take away roles at organisations (all or nothing).", discussion: AdminMembershipsCommand.discussion)
        @OptionGroup var items: Items
        @OptionGroup var connection: AdminConnection
        func run() throws { try reportingFailures { try AdminMembershipsCommand.apply("unbind", items, connection) } }
    }

    static let discussion = """
        Either --csv FILE (- for standard input) with the header username,organisation_id,role, or one item with \
        --user, --organisation and --role. The report has a line for each item; if any item is invalid nothing is \
        changed, each bad item is reported on standard error, and the exit status is 2.
        """

    /// What to bind or unbind: a CSV file, or one item.
    struct Items: ParsableArguments {
        @Option(help: "A CSV file with the header username,organisation_id,role (- for standard input).") var csv: String?
        @Option(help: "One item: the user's id or user name.") var user: String?
        @Option(help: "One item: the organisation's id.") var organisation: String?
        @Option(help: "One item: the role's id or name.") var role: String?

        /// The request body and its content type.
        func body() throws(Failure) -> (Data, String) {
            let single = [user, organisation, role]
            if let csv {
                guard single.allSatisfy({ $0 == nil }) else {
                    throw Failure("--csv: give a file or --user, --organisation and --role, not both")
                }
                let data: Data
                do { data = try readInput(csv) } catch let failure as Failure { throw failure } catch {
                    throw Failure("\(csv): cannot read the file")
                }
                return (data, "text/csv; charset=utf-8")
            }
            guard let user, let organisation, let role else {
                throw Failure("give --csv FILE, or --user, --organisation and --role for one item")
            }
            let item: [String: String] = [
                isUUID(user) ? "user_id" : "username": user, "organisation_id": organisation,
                isUUID(role) ? "role_id" : "role": role,
            ]
            guard let data = try? JSONSerialization.data(withJSONObject: ["items": [item]], options: [.sortedKeys]) else {
                throw Failure("cannot encode the request")
            }
            return (data, "application/json")
        }
    }

    static let columns = [("ITEM", "item"), ("STATUS", "status"), ("MESSAGE", "message")]

    static func apply(_ verb: String, _ items: Items, _ connection: AdminConnection) throws {
        let (body, contentType) = try items.body()
        let (client, format) = try connection.start()
        let reply = try client.exchange("POST", "/api/v1/memberships/\(verb)", body: body, contentType: contentType)
        let object = (try? JSONSerialization.jsonObject(with: reply.data)) as? [String: Any]
        if reply.status == 422, let report = object?["report"] as? [[String: Any]] {
            // The summary, then each refused item: every line names where it is in the file.
            printError(AdminClient.failure(status: reply.status, data: reply.data, url: reply.url).line)
            for entry in report { printError(item(entry) + ": " + AdminOutput.cell(entry["message"])) }
            throw ExitCode(2)
        }
        guard (200..<300).contains(reply.status), let object else {
            throw AdminClient.failure(status: reply.status, data: reply.data, url: reply.url)
        }
        AdminOutput.emit(object, format: format) { table(object, verb: verb) }
    }

    /// `line 3` for a CSV item, `item 0` for a JSON one.
    static func item(_ entry: [String: Any]) -> String {
        if let line = entry["line"] { return "line \(AdminOutput.cell(line))" }
        return "item \(AdminOutput.cell(entry["index"]))"
    }

    /// The per-item report and the totals.
    static func table(_ reply: [String: Any], verb: String) -> String {
        let rows = (reply["report"] as? [[String: Any]] ?? []).map { entry -> [String: Any] in
            var row = entry
            row["item"] = item(entry)
            return row
        }
        let (changed, unchanged) = verb == "bind" ? ("bound", "already") : ("unbound", "absent")
        return AdminOutput.table(rows, columns: columns, empty: "no items")
            + "\(AdminOutput.cell(reply[changed])) \(changed), \(AdminOutput.cell(reply[unchanged])) \(unchanged)\n"
    }
}
