import Foundation
import CModbus
import CMosquitto
import CSQLite

// The edge agent is not built yet (issue 3). Until then this program only proves that the C
// libraries it will own link, and says plainly that it does nothing else.
let arguments = CommandLine.arguments.dropFirst()
if arguments.contains("--version") {
    var major: Int32 = 0, minor: Int32 = 0, revision: Int32 = 0
    _ = mosquitto_lib_version(&major, &minor, &revision)
    print("edge-agent (not implemented yet)")
    print("libmodbus \(libmodbus_version_major).\(libmodbus_version_minor).\(libmodbus_version_micro)")
    print("libmosquitto \(major).\(minor).\(revision)")
    print("sqlite \(String(cString: sqlite3_libversion()))")
} else {
    print("edge-agent: not implemented yet (see README, Status); --version lists the linked libraries")
    exit(1)
}
