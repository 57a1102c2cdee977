import ArgumentParser
import Foundation

/// `carbonctl admin policies`: the ABAC policies owned in your organisations. A policy is a JSON
/// document (`{"id", "description", "effect", "permissions", "roles", "conditions", ...}`) that
/// applies within its organisation's subtree.
struct AdminPoliciesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policies", abstract: "List, add and delete access policies.",
        subcommands: [List.self, Create.self, Delete.self])

    static let columns = [("ID", "id"), ("POLICY", "policy_id"), ("EFFECT", "effect"), ("PERMISSIONS", "permissions"),
                          ("ORGANISATION", "organisation_id"), ("DESCRIPTION", "description")]

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The policies owned in your organisations.")
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                let (client, format) = try connection.start()
                let reply = try client.json("GET", "/api/v1/policies")
                AdminOutput.emit(reply, format: format) {
                    AdminOutput.table(AdminOutput.rows(reply).map(AdminPoliciesCommand.flattened),
                                      columns: AdminPoliciesCommand.columns, empty: "no policies")
                }
            }
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a policy that applies within an organisation's subtree.",
            discussion: "The file holds the policy document itself (- for standard input).")
        @Option(help: "The organisation that owns the policy.") var organisation: String
        @Option(help: "The policy document, a JSON object.") var file: String
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                let (client, format) = try connection.start()
                let data = try readInput(file)
                guard let policy = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                    throw Failure("\(file): the policy must be a JSON object")
                }
                let reply = try client.json("POST", "/api/v1/policies",
                                            body: ["organisation_id": organisation, "policy": policy])
                AdminOutput.emit(reply, format: format) {
                    AdminOutput.table([AdminPoliciesCommand.flattened(reply as? [String: Any] ?? [:])],
                                      columns: AdminPoliciesCommand.columns, empty: "done")
                }
            }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a policy.")
        @Argument(help: "The policy's id, or the id inside its document.") var policy: String
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                let (client, format) = try connection.start()
                let id = try AdminPoliciesCommand.storedID(policy, client: client)
                _ = try client.send("DELETE", "/api/v1/policies/\(try pathSegment(id, field: "policy"))")
                AdminOutput.emit(["deleted": id], format: format) { "deleted policy \(policy)\n" }
            }
        }
    }

    /// The stored row's fields with the document's own id, effect, permissions and description.
    static func flattened(_ row: [String: Any]) -> [String: Any] {
        var row = row
        let document = row["policy"] as? [String: Any] ?? [:]
        row["policy_id"] = document["id"]
        for key in ["effect", "permissions", "description"] { row[key] = document[key] }
        return row
    }

    /// A stored id is used as is; a document id is looked up among the policies the caller can see.
    static func storedID(_ text: String, client: AdminClient) throws(Failure) -> String {
        if isUUID(text) { return text }
        let matches = AdminOutput.rows(try client.json("GET", "/api/v1/policies")).filter {
            (($0["policy"] as? [String: Any])?["id"] as? String) == text
        }
        guard matches.count == 1, let id = matches[0]["id"] as? String else {
            throw Failure(matches.isEmpty
                ? "policy: no policy '\(text)' that you can see (`carbonctl admin policies list`)"
                : "policy: \(matches.count) policies have the id '\(text)'; give the stored id")
        }
        return id
    }
}
