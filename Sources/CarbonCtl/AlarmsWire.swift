import Foundation

/// The control socket's replies as carbonctl reads them. Times stay the agent's ISO 8601 strings
/// and decimals its strings, so `--format json` prints exactly what the agent said.
enum AlarmsWire {
    struct AlarmsReply: Codable { var alarms: [Alarm] }
    struct TransitionsReply: Codable { var transitions: [Transition] }

    struct ErrorReply: Decodable {
        struct Body: Decodable {
            var code: String
            var message: String
            var field: String?

            /// `kind: tag 'stack1' has no HH alarm; it has: H, L (invalid_field)`
            var line: String {
                [field, "\(message) (\(code))"].compactMap { $0 }.joined(separator: ": ")
            }
        }
        var error: Body
    }

    struct Alarm: Codable, Equatable {
        var tag: String
        var kind: String
        var state: String
        var priority: String
        var value: String?
        var limit: String?
        var since: String?
        var conditionActive: Bool
        var latched: Bool
        var shelf: Shelf?
        var suppression: String?

        enum CodingKeys: String, CodingKey {
            case tag, kind, state, priority, value, limit, since, latched, shelf, suppression
            case conditionActive = "condition_active"
        }
    }

    struct Shelf: Codable, Equatable {
        var by: String
        var since: String
        var until: String
        var comment: String?
    }

    struct Transition: Codable, Equatable {
        var id: Int64
        var tag: String
        var kind: String
        var priority: String
        var from: String
        var to: String
        var cause: String
        var time: String
        var value: String?
        var limit: String?
        var quality: String?
        var operatorName: String?
        var operatorUID: UInt32?
        var comment: String?
        var synced: Bool

        enum CodingKeys: String, CodingKey {
            case id, tag, kind, priority, from, to, cause, time, value, limit, quality, comment, synced
            case operatorName = "operator", operatorUID = "operator_uid"
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ reply: Data) throws(Failure) -> T {
        do {
            return try JSONDecoder().decode(type, from: reply)
        } catch {
            throw Failure("the agent's reply is not what this carbonctl understands: \(error)")
        }
    }
}
