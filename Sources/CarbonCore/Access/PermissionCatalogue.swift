/// Every permission the platform knows, with the English sentence the admin UI shows next to it.
/// One list, so the role editor, the built-in roles, the `/me/permissions` route and the policy
/// patterns all agree on what exists; a route that checks a permission missing here is a bug
/// (the catalogue test lists them all).
public enum PermissionCatalogue {
    public struct Entry: Hashable, Sendable {
        public let permission: Permission
        /// What holding the permission lets someone do, in one sentence.
        public let description: String
    }

    /// In display order: grouped by resource, the resources roughly as the menus show them.
    public static let all: [Entry] = [
        e("organisations:read", "See the organisation tree and each organisation's details."),
        e("organisations:create", "Add an organisation (group, company, site) below one you manage."),
        e("organisations:update", "Change an organisation's name, details or time zone."),
        e("organisations:delete", "Remove an organisation that holds no data any more."),
        e("organisations:move", "Move an organisation, with everything below it, under another parent."),
        e("users:read", "See user accounts and their roles."),
        e("users:create", "Create user accounts."),
        e("users:update", "Change a user's name, e-mail address or settings."),
        e("users:approve", "Approve a self-registered user before they can sign in."),
        e("users:disable", "Disable a user account, ending its sessions."),
        e("users:reset-password", "Send a user a password reset."),
        e("memberships:bind", "Give roles at an organisation to users, one or many at once."),
        e("memberships:unbind", "Take roles at an organisation away from users, one or many at once."),
        e("roles:read", "See roles and the permissions each one holds."),
        e("roles:create", "Define a new role from the permission catalogue."),
        e("roles:update", "Change the permissions of a role."),
        e("roles:delete", "Delete a role that nobody holds."),
        e("policies:read", "See the access policies (the rules on top of roles)."),
        e("policies:create", "Add an access policy."),
        e("policies:update", "Change an access policy."),
        e("policies:delete", "Delete an access policy."),
        e("menus:read", "See the navigation menus of the applications."),
        e("menus:update", "Change the navigation menus of an organisation's applications."),
        e("applications:read", "See which applications an organisation uses."),
        e("audit:read", "Read the audit log."),
        e("audit:export", "Export the audit log with its hash chain, for verification outside the platform."),
        e("agents:read", "See the edge agents and their status."),
        e("agents:create", "Register an edge agent and issue its first credentials."),
        e("agents:rotate", "Issue new credentials to an edge agent, retiring the old ones."),
        e("agents:revoke", "Revoke an edge agent's credentials so it can no longer deliver data."),
        e("sites:read", "See sites and their metering setup."),
        e("devices:read", "See the devices and tags of a site."),
        e("devices:create", "Add devices and tags to a site."),
        e("readings:read", "See measured values, trends and data quality."),
        e("readings:write", "Enter or correct readings by hand (kept with the original in the trail)."),
        e("readings:export", "Download readings as files."),
        e("ingest:write", "Deliver reading batches (edge agents only)."),
        e("alarms:read", "See alarms and their history."),
        e("alarms:ack", "Acknowledge alarms."),
        e("alarms:shelve", "Shelve an alarm for a limited time."),
        e("alarms:comment", "Comment on an alarm."),
        e("alarms:configure", "Change alarm limits, delays and priorities."),
        e("inventories:read", "See greenhouse gas inventories and their results."),
        e("inventories:create", "Start an inventory and enter its activity data."),
        e("inventories:calculate", "Run the calculation of an inventory."),
        e("inventories:approve", "Approve an inventory, freezing its figures."),
        e("factors:read", "See the emission factor library."),
        e("factors:create", "Add an emission factor of your own, with its source."),
        e("reports:read", "See reports."),
        e("reports:create", "Draft a report."),
        e("reports:publish", "Publish a report outside the organisation."),
        e("verification:read", "See verification engagements and findings."),
        e("verification:create", "Open a verification engagement."),
        e("verification:review", "Record verification findings and the opinion."),
        e("products:read", "See product footprints."),
        e("products:create", "Model a product and calculate its footprint."),
        e("products:update", "Change a product's definition (bill of materials, processes, model)."),
        e("products:delete", "Delete a product that has no footprint versions."),
        e("trades:read", "See emission allowance and credit trades."),
        e("trades:submit", "Submit a trade order."),
        e("projects:read", "See reduction and offset projects."),
        e("projects:create", "Propose a reduction or offset project."),
        e("projects:approve", "Approve a project, committing its budget."),
    ]

    /// The permissions of `all`, for membership tests.
    public static let permissions: Set<Permission> = Set(all.map(\.permission))

    /// The sentence for `permission`, or nil when the catalogue does not know it.
    public static func description(of permission: Permission) -> String? {
        all.first { $0.permission == permission }?.description
    }

    /// The catalogue permissions `pattern` matches, in catalogue order.
    public static func matching(_ pattern: PermissionPattern) -> [Permission] {
        all.map(\.permission).filter(pattern.matches)
    }

    private static func e(_ name: StaticString, _ description: String) -> Entry {
        Entry(permission: Permission(stringLiteral: "\(name)"), description: description)
    }
}
