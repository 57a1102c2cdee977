// swift-tools-version:6.1
import PackageDescription

// Same language settings for every Swift target; each line says why it is on.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),  // SE-0335: `any P` is explicit at every use
    .enableUpcomingFeature("MemberImportVisibility"),  // SE-0444: a file sees only what it imports
]

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let propertyBased: Target.Dependency = .product(name: "PropertyBased", package: "swift-property-based")
let toml: Target.Dependency = .product(name: "TOMLKit", package: "TOMLKit")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let prometheus: Target.Dependency = .product(name: "Prometheus", package: "swift-prometheus")
let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let hummingbirdTesting: Target.Dependency = .product(name: "HummingbirdTesting", package: "hummingbird")
let cryptoExtras: Target.Dependency = .product(name: "_CryptoExtras", package: "swift-crypto")  // PBKDF2 (BoringSSL)
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let lifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let mustache: Target.Dependency = .product(name: "Mustache", package: "swift-mustache")  // report templates
let nioPosix: Target.Dependency = .product(name: "NIOPosix", package: "swift-nio")  // NIOThreadPool for blocking C calls

let package = Package(
    name: "carbon-platform",
    platforms: [.macOS(.v15)],  // only matters when someone builds on a Mac
    products: [
        .library(name: "CarbonCore", targets: ["CarbonCore"]),
        .executable(name: "carbonctl", targets: ["CarbonCtl"]),
        .executable(name: "edge-agent", targets: ["EdgeAgent"]),
        .executable(name: "aggregator", targets: ["Aggregator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // MARK: Pure domain: no I/O, no clock, no logging, no dependencies.
        .target(name: "CarbonCore", swiftSettings: swiftSettings),

        // MARK: The test-only crash hook (FaultPoint.hit): a no-op outside debug builds.
        .target(name: "FaultPoints", swiftSettings: swiftSettings),

        // MARK: Shipped reference data (the emission factor library) as package resources.
        .target(
            name: "CarbonData",
            dependencies: ["CarbonCore"],
            resources: [.copy("Resources/factors.csv")],
            swiftSettings: swiftSettings
        ),

        // MARK: C libraries: one system-library target each, imported only by its Swift wrapper.
        .systemLibrary(name: "CModbus", pkgConfig: "libmodbus", providers: [.apt(["libmodbus-dev"])]),
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // MARK: Executables
        .executableTarget(
            name: "CarbonCtl",
            dependencies: ["CarbonCore", "CarbonData", argumentParser],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "EdgeAgent",
            dependencies: ["CarbonCore", "FaultPoints", "CModbus", "CMosquitto", "CSQLite", argumentParser, toml, logging, prometheus],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "Aggregator",
            dependencies: [
                "CarbonCore", "CarbonData", "FaultPoints", "CSQLite", "CLibPQ", "CZlib", argumentParser, logging, prometheus,
                hummingbird, crypto, cryptoExtras, nioPosix, lifecycle, mustache,
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Tests mirror Sources one-to-one.
        .testTarget(
            name: "CarbonCoreTests",
            dependencies: ["CarbonCore", "CarbonData", propertyBased],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "CarbonCtlTests", dependencies: ["CarbonCtl"], swiftSettings: swiftSettings),
        .testTarget(name: "EdgeAgentTests", dependencies: ["EdgeAgent", propertyBased, logging], swiftSettings: swiftSettings),
        .testTarget(
            name: "AggregatorTests",
            dependencies: ["Aggregator", "CarbonCore", hummingbirdTesting, logging],
            swiftSettings: swiftSettings
        ),
    ]
)
