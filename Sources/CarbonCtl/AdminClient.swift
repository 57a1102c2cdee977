import Foundation
import Glibc

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A thin, synchronous client of the aggregator's API for `carbonctl admin` and `carbonctl audit`.
/// Every failure is a `Failure` with one readable line: the API's own error message when it sent
/// one, otherwise what went wrong on the way.
struct AdminClient {
    let server: URL
    let token: String?
    var timeout: TimeInterval = 60

    init(server: String, token: String?) throws(Failure) {
        guard let url = URL(string: server), let scheme = url.scheme, ["http", "https"].contains(scheme),
              url.host != nil
        else { throw Failure("--server: '\(server)' is not an http(s) URL, e.g. https://carbon.example.com") }
        self.server = url
        self.token = token
    }

    /// Sends one request and returns the body of a 2xx reply.
    func send(_ method: String, _ path: String, query: [URLQueryItem] = [], body: [String: Any]? = nil)
        throws(Failure) -> Data
    {
        var data: Data?
        if let body {
            do {
                data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
            } catch {
                throw Failure("cannot encode the request: \(error)")
            }
        }
        let reply = try exchange(method, path, query: query, body: data, contentType: "application/json")
        guard (200..<300).contains(reply.status) else {
            throw Self.failure(status: reply.status, data: reply.data, url: reply.url)
        }
        return reply.data
    }

    /// Sends one request with a body of any type and returns the reply whatever its status, for
    /// callers that read an error reply's own fields (the bulk report of a 422).
    func exchange(_ method: String, _ path: String, query: [URLQueryItem] = [], body: Data?, contentType: String)
        throws(Failure) -> (data: Data, status: Int, url: URL)
    {
        // `path` is already percent-encoded (see `pathSegment`): join as text, do not encode again.
        var base = server.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        var components = URLComponents(string: base + path)
        if !query.isEmpty { components?.queryItems = query }
        guard let url = components?.url else { throw Failure("cannot build a URL for \(path)") }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
            request.httpBody = body
        }
        let (data, status) = try Self.perform(request)
        return (data, status, url)
    }

    /// Sends and parses the JSON reply (an object or an array).
    func json(_ method: String, _ path: String, query: [URLQueryItem] = [], body: [String: Any]? = nil)
        throws(Failure) -> Any
    {
        let data = try send(method, path, query: query, body: body)
        if data.isEmpty { return [String: Any]() }
        guard let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            throw Failure("the server's reply to \(method) \(path) is not JSON")
        }
        return value
    }

    /// The API's `{"error": {"message", "field", "code"}}` as one line; anything else by status.
    static func failure(status: Int, data: Data, url: URL) -> Failure {
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let error = object["error"] as? [String: Any], let message = error["message"] as? String
        {
            let field = (error["field"] as? String).map { "\($0): " } ?? ""
            return Failure("\(field)\(message) (HTTP \(status))")
        }
        return Failure("\(url.path): the server answered HTTP \(status)")
    }

    /// URLSession is asynchronous; the command line is not: wait for the one reply.
    private static func perform(_ request: URLRequest) throws(Failure) -> (Data, Int) {
        final class Outcome: @unchecked Sendable {
            // @unchecked: written once by the session's queue before `done` is signalled, read after.
            var data = Data()
            var status = 0
            var error: (any Error)?
        }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let session = URLSession(configuration: .ephemeral)
        let task = session.dataTask(with: request) { data, response, error in
            outcome.data = data ?? Data()
            outcome.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            outcome.error = error
            done.signal()
        }
        task.resume()
        done.wait()
        session.finishTasksAndInvalidate()
        if let error = outcome.error {
            throw Failure("cannot reach \(request.url?.host ?? "the server"): \(error.localizedDescription)")
        }
        return (outcome.data, outcome.status)
    }
}

/// Where the session token lives: `--token-file`, else `$CARBONCTL_TOKEN`, else
/// `~/.config/carbonctl/token` (written by `carbonctl admin login`, mode 0600).
struct TokenStore {
    let path: String

    static var defaultPath: String {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        return home + "/.config/carbonctl/token"
    }

    init(path: String?) { self.path = path ?? Self.defaultPath }

    func read(environment: [String: String] = ProcessInfo.processInfo.environment, explicit: Bool) throws(Failure)
        -> String
    {
        if !explicit, let token = environment["CARBONCTL_TOKEN"], !token.isEmpty { return token }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Failure("\(path): no session token; run `carbonctl admin login` first")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw Failure("\(path): the token file is empty") }
        return token
    }

    /// Writes the token with mode 0600 from the first byte (never readable by others, not even
    /// briefly), creating the directory with mode 0700.
    func write(_ token: String) throws(Failure) {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw Failure("\(directory): cannot create the directory: \(error.localizedDescription)")
            }
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure("\(path): cannot write the token: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        fchmod(fd, 0o600)  // an existing file keeps its old mode otherwise
        let bytes = Array((token + "\n").utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw Failure("\(path): cannot write the token: \(String(cString: strerror(errno)))")
        }
    }
}
