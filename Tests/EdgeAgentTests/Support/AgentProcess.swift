import Foundation

/// The built `edge-agent` binary (next to the test bundle), started as a child for end-to-end tests,
/// and the small device file those tests poll the simulator with.
enum AgentProcess {
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("edge-agent")
    }

    /// Starts `edge-agent ARGUMENTS`; its output goes to `stderr` when given, else nowhere.
    static func start(_ arguments: [String], stderr: FileHandle? = nil) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr ?? FileHandle.nullDevice
        try process.run()
        return process
    }

    /// A Modbus TCP device on the loopback simulator with one uint16 holding register at 0, polled every 100 ms.
    static func singleTagDevice(name: String, port: Int32, tag: String) -> String {
        """
        name = "\(name)"
        protocol = "modbus_tcp"
        host = "127.0.0.1"
        port = \(port)
        interval_ms = 100
        address_base = 0
        [[tags]]
        name = "\(tag)"
        table = "holding_register"
        address = 0
        data_type = "uint16"
        unit = ""
        """
    }
}
