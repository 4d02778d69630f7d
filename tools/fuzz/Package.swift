// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for reach's readers, built by tools/fuzz.sh with `-sanitize=fuzzer,address`. Each target's
// test function hands the input to one reader (FuzzDriver runs libFuzzer over it); a reader may throw (that is a clean rejection), but it
// must never crash, hang or overflow its stack.
let fuzzTargets = ["FuzzGeoJSON", "FuzzCSV", "FuzzPBF", "FuzzGTFS", "FuzzTOML"]

let package = Package(
    name: "reach-fuzz",
    dependencies: [.package(name: "reach", path: "../..")],
    targets: [.target(name: "FuzzDriver")] + fuzzTargets.map { name in
        .executableTarget(name: name, dependencies: ["FuzzDriver", .product(name: "ReachKit", package: "reach")],
                          swiftSettings: [.unsafeFlags(["-parse-as-library"])])
    }
)
