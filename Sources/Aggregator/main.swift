import Foundation
import CLibPQ
import CSQLite

// The aggregator is not built yet (issues 4 and 5). Until then this program only proves that
// the C libraries it will own link, and says plainly that it does nothing else.
let arguments = CommandLine.arguments.dropFirst()
if arguments.contains("--version") {
    print("aggregator (not implemented yet)")
    print("libpq \(PQlibVersion())")
    print("sqlite \(String(cString: sqlite3_libversion()))")
} else {
    print("aggregator: not implemented yet (see README, Status); --version lists the linked libraries")
    exit(1)
}
