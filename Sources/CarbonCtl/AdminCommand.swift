import ArgumentParser
import Foundation

// `carbonctl admin`: a thin client of the aggregator's API for administrators.
//
//   carbonctl admin login --server URL --username U [--password-file F] [--token-file F]
//   carbonctl admin users list [--status S] [--query Q]
//                         | create --username U --display-name N [--email E] --organisation ORG --role ROLE
//                                  [--password-file F]
//                         | approve USER --organisation ORG --role ROLE… | reject USER | disable USER | enable USER
//                         | reset-password USER [--password-file F]
//   carbonctl admin orgs list | create --parent ORG --name N --kind K [--time-zone TZ]
//   carbonctl admin roles list | create --name N --description D --organisation ORG --permission P…
//                         | delete ROLE
//   carbonctl admin memberships bind|unbind --csv FILE | --user U --organisation ORG --role ROLE
//   carbonctl admin policies list | create --organisation ORG --file POLICY.json | delete POLICY
//   carbonctl admin menus
//   carbonctl admin agents list | create --name N --site ORG | rotate AGENT [--overlap SECONDS]
//                          | revoke AGENT CREDENTIAL
//   every command but login: [--server URL] (or $CARBONCTL_SERVER) [--token-file F] [--format table|json]
//
// The session token is read from --token-file, else $CARBONCTL_TOKEN, else ~/.config/carbonctl/token.
// Passwords come from --password-file, else one line of standard input; never from an option.
// USER, ORG, AGENT are ids (memberships --user also takes a user name); a ROLE is an id or a
// name; a POLICY is its stored id or its document's "id".
// A memberships CSV has the header username,organisation_id,role; the server binds all or
// nothing, and on a refusal each bad line goes to standard error (exit status 2).
// An error is one line on standard error (the API's own message) and exit status 2.

struct AdminCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Administer users, organisations, roles, memberships, policies and edge agents through the aggregator's API.",
        subcommands: [Login.self, AdminUsersCommand.self, AdminOrgsCommand.self, AdminRolesCommand.self,
                      AdminMembershipsCommand.self, AdminPoliciesCommand.self, AdminMenusCommand.self,
                      AdminAgentsCommand.self])

    struct Login: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Log in and keep the session token for the other commands.",
            discussion: "The password is read from --password-file, else as one line from standard input.")
        @Option(help: "The aggregator, e.g. https://carbon.example.com.") var server: String
        @Option(help: "Your user name.") var username: String
        @Option(name: .customLong("password-file"), help: "A file whose first line is the password.")
        var passwordFile: String?
        @Option(name: .customLong("token-file"), help: "Where to write the token (default ~/.config/carbonctl/token).")
        var tokenFile: String?

        func run() throws {
            try reportingFailures {
                let password = try AdminCommand.password(file: passwordFile)
                let client = try AdminClient(server: server, token: nil)
                let reply = try client.json("POST", "/api/v1/auth/login",
                                            body: ["username": username, "password": password])
                guard let token = (reply as? [String: Any])?["token"] as? String else {
                    throw Failure("the server's login reply holds no token")
                }
                let store = TokenStore(path: tokenFile)
                try store.write(token)
                let expires = ((reply as? [String: Any])?["expires_at"] as? String).map { " (expires \($0))" } ?? ""
                print("logged in as \(username); token written to \(store.path)\(expires)")
            }
        }
    }

    /// The password from a file's first line, or from one line of standard input.
    static func password(file: String?) throws(Failure) -> String {
        let text: String
        if let file {
            guard let contents = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw Failure("\(file): cannot read the password file")
            }
            text = String(contents.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        } else {
            text = readLine(strippingNewline: true) ?? ""
        }
        let password = text.hasSuffix("\r") ? String(text.dropLast()) : text
        guard !password.isEmpty else {
            throw Failure("no password given (--password-file or one line on standard input)")
        }
        return password
    }
}

/// The options every API-backed admin command shares.
struct AdminConnection: ParsableArguments {
    @Option(help: "The aggregator (default: $CARBONCTL_SERVER).") var server: String?
    @Option(name: .customLong("token-file"),
            help: "The session token (default: $CARBONCTL_TOKEN, else ~/.config/carbonctl/token).")
    var tokenFile: String?
    @Option(help: "table (default) or json.") var format = "table"

    func client(environment: [String: String] = ProcessInfo.processInfo.environment) throws(Failure) -> AdminClient {
        guard let server = server ?? environment["CARBONCTL_SERVER"], !server.isEmpty else {
            throw Failure("--server: no server given (or set CARBONCTL_SERVER)")
        }
        let token = try TokenStore(path: tokenFile).read(environment: environment, explicit: tokenFile != nil)
        return try AdminClient(server: server, token: token)
    }

    /// Checks the format first, so a typo fails before anything is sent.
    func start() throws(Failure) -> (AdminClient, AdminOutput.Format) {
        let format = try AdminOutput.format(self.format)
        return (try client(), format)
    }
}

extension AdminConnection {
    /// GETs `path` and prints it: JSON as sent, or a table of `columns` (a list reply's rows, or
    /// one object as one row) — the shape of every server-mode list and show command.
    func show(_ path: String, query: [URLQueryItem] = [], columns: [(String, String)], empty: String,
              single: Bool = false) throws(Failure) {
        let (client, format) = try start()
        let reply = try client.json("GET", path, query: query)
        AdminOutput.emit(reply, format: format) {
            AdminOutput.table(single ? [reply as? [String: Any] ?? [:]] : AdminOutput.rows(reply), columns: columns,
                              empty: empty)
        }
    }
}

/// Path segments are ids and names chosen by people: never let one add a segment or a query.
func pathSegment(_ text: String, field: String) throws(Failure) -> String {
    let allowed = CharacterSet.urlPathAllowed.subtracting(["/"])
    guard !text.isEmpty, let encoded = text.addingPercentEncoding(withAllowedCharacters: allowed)
    else { throw Failure("\(field): '\(text)' is not usable") }
    return encoded
}
