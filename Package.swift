// swift-tools-version:6.0
import PackageDescription

// Dependencies flow one way (see ../shared/STYLE.md):
// GeoPrimitives ← Projection (CProj), Geometry (CGEOS) ← GeoData (CSystemZlib, CSQLite, CLibPQ, CMalloc) ← Accessibility, Study ← ReachCLI.
let package = Package(
    name: "reach",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "reach", targets: ["ReachCLI"]),
        .library(name: "ReachKit", targets: ["Projection", "Geometry", "GeoData", "Accessibility", "Scoring", "Study"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
    ],
    targets: [
        .systemLibrary(name: "CProj", pkgConfig: "proj", providers: [.apt(["libproj-dev"])]),
        .systemLibrary(name: "CGEOS", pkgConfig: "geos", providers: [.apt(["libgeos-dev"])]),
        .systemLibrary(name: "CSystemZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CMalloc"),
        .target(name: "GeoPrimitives"),
        .target(name: "Projection", dependencies: ["CProj", "GeoPrimitives"]),
        .target(name: "Geometry", dependencies: ["CGEOS", "GeoPrimitives"]),
        .target(name: "GeoData", dependencies: ["GeoPrimitives", "Projection", "Geometry", "CSystemZlib", "CSQLite", "CLibPQ", "CMalloc",
                                               .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                                               .product(name: "SystemPackage", package: "swift-system")]),
        .target(name: "Accessibility", dependencies: ["GeoPrimitives", "Geometry", "GeoData"]),
        .target(name: "Scoring"),
        .target(name: "Study", dependencies: ["GeoPrimitives", "Projection", "Geometry", "GeoData", "Accessibility", "Scoring"]),
        .executableTarget(name: "ReachCLI", dependencies: [
            "Study", "GeoData", "Projection", "Accessibility",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "GeoPrimitivesTests", dependencies: ["GeoPrimitives"]),
        .testTarget(name: "ProjectionTests", dependencies: ["Projection", "GeoPrimitives"]),
        .testTarget(name: "GeometryTests", dependencies: ["Geometry", "GeoPrimitives"]),
        .testTarget(name: "GeoDataTests", dependencies: ["GeoData", "Geometry", "Projection", "GeoPrimitives",
                                                   .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .testTarget(name: "AccessibilityTests", dependencies: ["Accessibility", "GeoData", "GeoPrimitives", "Projection"]),
        .testTarget(name: "ScoringTests", dependencies: ["Scoring"]),
        .testTarget(name: "StudyTests", dependencies: ["Study", "Accessibility", "GeoData", "GeoPrimitives"]),
        .testTarget(name: "ReachCLITests", dependencies: ["ReachCLI"]),
    ]
)
