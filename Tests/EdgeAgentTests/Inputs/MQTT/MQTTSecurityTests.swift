import Foundation
import Testing

@testable import EdgeAgent

/// Credentials (`mosquitto_username_pw_set`) against a broker with a password file, and TLS with a
/// client certificate (`mosquitto_tls_set`) against a listener that requires one. Certificates
/// are made per test with the openssl command (EC keys: milliseconds).
@Suite struct MQTTSecurityTests {
    struct Certificates {
        let directory: TemporaryDirectory
        var ca: String { directory.path("ca.crt") }
        var serverCertificate: String { directory.path("server.crt") }
        var serverKey: String { directory.path("server.key") }
        var clientCertificate: String { directory.path("client.crt") }
        var clientKey: String { directory.path("client.key") }

        init() throws {
            directory = try TemporaryDirectory()
            let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
            try Self.openssl(
                ["req", "-x509"] + key + ["-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=test-ca"],
                in: directory)
            // The agent reaches the broker by IP, so the IP must be in the certificate's subjectAltName.
            try Self.openssl(
                ["req"] + key + [
                    "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1",
                ], in: directory)
            try Self.openssl(
                [
                    "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", "server.crt", "-days", "2", "-copy_extensions", "copy",
                ], in: directory)
            try Self.openssl(
                ["req"] + key + ["-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=edge-agent"],
                in: directory)
            try Self.openssl(
                [
                    "x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", "client.crt", "-days", "2",
                ], in: directory)
        }

        struct Failure: Error, CustomStringConvertible { var description: String }

        static func openssl(_ arguments: [String], in directory: TemporaryDirectory) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = arguments
            process.currentDirectoryURL = directory.url
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw Failure(description: "openssl \(arguments.joined(separator: " ")) failed")
            }
        }
    }

    @Test func credentialsAreSentAndAWrongPasswordIsRefused() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let passwords = directory.path("passwords")
        let tool = Process()
        tool.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_passwd")
        tool.arguments = ["-b", "-c", passwords, "edge-agent", "s3cret"]
        try tool.run()
        tool.waitUntilExit()
        #expect(tool.terminationStatus == 0)
        let broker = try MosquittoBroker(allowAnonymous: false, extraConfiguration: ["password_file \(passwords)"])
        let credentials = MosquittoConfiguration.Credentials(username: "edge-agent", password: "s3cret")
        // Configurations get logged: the password never prints, nor with String(reflecting:).
        let configuration = MQTTTesting.configuration(port: broker.port, clientID: "a", credentials: credentials)
        for text in ["\(configuration)", String(reflecting: configuration), "\(credentials)"] {
            #expect(!text.contains("s3cret"), "\(text)")
        }

        let mapping = try TopicMapping(filter: "auth/+", fields: [try .init(value: "v", tag: "{1}", unit: "")])
        let fixture = try await InputFixture(broker: broker, mappings: [mapping], credentials: credentials)
        try await fixture.start()
        let publisher = try await TestPublisher(port: broker.port, credentials: credentials)
        try publisher.publish("auth/meter", #"{"v": 1}"#)
        try await fixture.waitStored(messages: 1)

        let events = EventRecorder()
        var wrong = MQTTTesting.configuration(port: broker.port, clientID: "intruder")
        wrong.credentials = .init(username: "edge-agent", password: "guess")
        let intruder = try MosquittoClient(
            configuration: wrong, subscriptions: [], handlers: .init(event: { events.record($0) }))
        try intruder.start()
        try await MQTTTesting.waitUntil("the broker refuses twice") { events.failures.count >= 2 }
        // CONNACK 5 (not authorised), reported once per attempt, never as a connection.
        #expect(
            events.failures.prefix(2).allSatisfy {
                $0.code == .refused && $0.function == "CONNACK" && $0.returnCode == 5
            })
        #expect(events.connections.isEmpty)
        await intruder.stop()
        await publisher.stop()
        await fixture.finish()
    }

    @Test func messagesArriveOverTLSWithAClientCertificateAndWithoutOneTheBrokerRefuses() async throws {
        let certificates = try Certificates()
        defer { certificates.directory.remove() }
        let tlsPort = try SimulatedModbusDevice.freePort()
        let broker = try MosquittoBroker(extraConfiguration: [
            "listener \(tlsPort) 127.0.0.1", "cafile \(certificates.ca)", "certfile \(certificates.serverCertificate)",
            "keyfile \(certificates.serverKey)", "require_certificate true",
        ])
        let tls = MosquittoConfiguration.TLS(
            caFile: certificates.ca, certificateFile: certificates.clientCertificate, keyFile: certificates.clientKey)
        let mapping = try TopicMapping(filter: "secure/+", fields: [try .init(value: "v", tag: "{1}", unit: "t")])
        let fixture = try await InputFixture(broker: broker, mappings: [mapping], tls: tls, port: tlsPort)
        try await fixture.start()
        let publisher = try await TestPublisher(port: tlsPort, tls: tls)
        try publisher.publish("secure/kiln", #"{"v": "0.125"}"#)
        try await fixture.waitStored(messages: 1)
        #expect(
            try await MQTTTesting.storedReadings(fixture.store)
                == [
                    Reading(
                        tag: "kiln", unit: "t", time: BufferFixtures.time(0), value: BufferFixtures.decimal("0.125"))
                ])

        // Trusting the CA but presenting no client certificate: the handshake fails, again and again.
        let events = EventRecorder()
        let anonymous = try MosquittoClient(
            configuration: MQTTTesting.configuration(
                port: tlsPort, clientID: "no-cert", tls: .init(caFile: certificates.ca)),
            subscriptions: [], handlers: .init(event: { events.record($0) }))
        try anonymous.start()
        try await MQTTTesting.waitUntil("the broker refuses twice") { events.failures.count >= 2 }
        #expect(events.connections.isEmpty)
        await anonymous.stop()
        await publisher.stop()
        await fixture.finish()
    }
}
