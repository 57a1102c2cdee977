import Glibc

/// Who is at the other end of a Unix socket, as the kernel saw them when they connected
/// (SO_PEERCRED): not forgeable by the client, unlike the operator name in a request.
struct PeerCredentials: Sendable, Hashable {
    var pid: Int32
    var uid: UInt32
    var gid: UInt32

    /// Glibc declares `struct ucred` only under _GNU_SOURCE, which Swift's Glibc module does not
    /// set; its layout is fixed by the kernel ABI: pid_t, uid_t, gid_t, 32 bits each.
    private struct UCred {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    static func of(socket fd: Int32) throws(ControlError) -> PeerCredentials {
        var credentials = UCred()
        var length = socklen_t(MemoryLayout<UCred>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0 else {
            throw ControlError.system("getsockopt", "cannot read the peer's credentials")
        }
        guard length == socklen_t(MemoryLayout<UCred>.size) else {
            throw ControlError(.system, "SO_PEERCRED returned \(length) bytes, expected \(MemoryLayout<UCred>.size)")
        }
        return PeerCredentials(pid: credentials.pid, uid: credentials.uid, gid: credentials.gid)
    }
}

/// Who may use the control socket: root, the agent's own uid, and members of the socket's group
/// (primary or supplementary). The file mode (0660) already keeps others from connecting; this
/// check is the second lock, and the one that still holds if someone loosens the mode.
struct PeerPolicy: Sendable {
    enum Decision: Sendable, Hashable {
        case allowed
        case refused(String)
    }

    var agentUID: UInt32
    var socketGID: UInt32
    /// The groups of a user (uid, primary gid), supplementary ones included.
    var groupsOf: @Sendable (UInt32, UInt32) -> [UInt32]

    init(
        agentUID: UInt32 = geteuid(), socketGID: UInt32,
        groupsOf: @escaping @Sendable (UInt32, UInt32) -> [UInt32] = PeerPolicy.systemGroups
    ) {
        self.agentUID = agentUID
        self.socketGID = socketGID
        self.groupsOf = groupsOf
    }

    func decide(_ peer: PeerCredentials) -> Decision {
        if peer.uid == 0 || peer.uid == agentUID || peer.gid == socketGID { return .allowed }
        if groupsOf(peer.uid, peer.gid).contains(socketGID) { return .allowed }
        return .refused(
            "uid \(peer.uid) is not root, not the agent (uid \(agentUID)) "
                + "and not in the control group (gid \(socketGID))")
    }

    /// The user's groups from the system's user database (getpwuid_r + getgrouplist). May block on
    /// NSS (LDAP): only ever called on a control connection's own thread.
    @Sendable static func systemGroups(uid: UInt32, primary gid: UInt32) -> [UInt32] {
        var entry = passwd()
        var found: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4_096)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &found) == 0, found != nil, let name = entry.pw_name
        else { return [gid] }
        var count: Int32 = 64
        while true {
            var groups = [gid_t](repeating: 0, count: Int(count))
            let before = count
            if getgrouplist(name, gid, &groups, &count) >= 0 { return Array(groups.prefix(Int(count))) }
            // Too small: glibc stored the size it needs in `count`.
            if count <= before { count = before * 2 }
            if count > 65_536 { return [gid] }
        }
    }

    /// The id of a group by name (`edge-agent`), for the socket's group setting.
    static func groupID(named name: String) throws(ControlError) -> UInt32 {
        var entry = group()
        var found: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        let rc = getgrnam_r(name, &entry, &buffer, buffer.count, &found)
        guard rc == 0 else { throw ControlError.system("getgrnam_r", "cannot look up group '\(name)'", errno: rc) }
        guard found != nil else { throw ControlError(.unknownGroup, "no group named '\(name)'") }
        return entry.gr_gid
    }
}
